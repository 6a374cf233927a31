"""Messages that can be said again in another language.

A :class:`Said` is the English text of a message, a ``str`` like any other, that also
keeps the template it was made from and the values put into it. Everything that reads it
as text (the command line, the HTTP API, logs, comparisons) sees the English; a page in
another language translates the template and puts the values back in. A :class:`Listed`
keeps several messages said one after the other. A name put into a message (a state, an
action, a role) is a :func:`word`, a Said of its own, so that it is translated too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Said(str):
    """``Said("text is {length} characters", length=300)`` == "text is 300 characters",
    with ``.template`` and ``.values`` kept. A value may itself be a Said."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Said:
        made = super().__new__(cls, template.format(**values) if values else template)
        made.template = template
        made.values = values
        return made

    def __reduce__(self):
        return _said, (self.template, self.values)

    def replace_in_values(self, old: str, new: str) -> Said:
        """The same message with ``old`` replaced by ``new`` in every text value (a Said
        value keeps its template)."""
        def swapped(value: Any) -> Any:
            if isinstance(value, Said):
                return value.replace_in_values(old, new)
            return value.replace(old, new) if isinstance(value, str) else value
        return Said(self.template, **{k: swapped(v) for k, v in self.values.items()})


class Listed(str):
    """Messages said one after the other: the English texts joined by ``sep``, each part
    kept (a Said stays a Said)."""

    parts: tuple[str, ...]
    sep: str

    def __new__(cls, parts: list[str] | tuple[str, ...], sep: str = "; ") -> Listed:
        made = super().__new__(cls, sep.join(parts))
        made.parts, made.sep = tuple(parts), sep
        return made

    def __reduce__(self):
        return Listed, (self.parts, self.sep)


def word(text: str) -> Said:
    """``text`` as a word of its own (``draft``, ``approve``): its own template."""
    return text if isinstance(text, Said) else Said(text)


def either(words: Iterable[str]) -> Said:
    """``admin or approver or author``: the words, each a :func:`word`, joined by "or"."""
    said: Said | None = None
    for each in words:
        said = word(each) if said is None else Said("{one} or {other}", one=said,
                                                    other=word(each))
    if said is None:
        raise ValueError("either() needs at least one word")
    return said


def _said(template: str, values: dict[str, Any]) -> Said:
    return Said(template, **values)
