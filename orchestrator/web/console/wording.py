"""The service layer's messages in the page's language.

The services say what went wrong in English (:class:`~connectors.wording.Said`), which the
command line and the HTTP API show as it is; every console page shows such a message
through :func:`say`, which translates its template and puts its values back in, numbers
written the page's way. A plain ``str`` (a platform's own answer, say) is shown as it is.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

from babel import numbers

from connectors.errors import SiaranError
from connectors.wording import Listed, Said

#: A fixed-point format (``.1f``): its decimals.
FIXED = re.compile(r"\.(\d+)f")


class _Local(string.Formatter):
    """``str.format`` with numbers in ``locale``."""

    def __init__(self, locale: str | None) -> None:
        self.locale = locale

    def format_field(self, value: Any, format_spec: str) -> str:
        if self.locale is None or isinstance(value, bool) or not isinstance(value, int | float):
            return super().format_field(value, format_spec)
        if not format_spec:
            return numbers.format_decimal(value, locale=self.locale)
        fixed = FIXED.fullmatch(format_spec)
        if fixed:
            pattern = "#,##0" + ("." + "0" * int(fixed[1]) if int(fixed[1]) else "")
            return numbers.format_decimal(value, format=pattern, locale=self.locale)
        return super().format_field(value, format_spec)


def say(text: str, gettext: Callable[[str], str], locale: str | None = None) -> str:
    """``text`` in the language of ``gettext``: a Said's template translated with its
    values (themselves said the same way) put back in; a plain ``str`` as it is."""
    if isinstance(text, Listed):
        return text.sep.join(say(part, gettext, locale) for part in text.parts)
    if not isinstance(text, Said):
        return text
    if not text.values:
        return gettext(text.template)
    values = {k: say(v, gettext, locale) if isinstance(v, Said | Listed) else v
              for k, v in text.values.items()}
    return _Local(locale).format(gettext(text.template), **values)


def explain(error: SiaranError, gettext: Callable[[str], str],
            locale: str | None = None) -> str:
    """The message of ``error`` in the page's language."""
    return say(error.said, gettext, locale)
