"""The console's languages: Bahasa Indonesia (the default) and English.

Strings are written in English in the templates and code and translated through gettext
catalogues (``locales/<lang>/LC_MESSAGES/*.po``, see ``catalogue``, compiled in memory by
Babel when first needed). The language is chosen by ``?lang=`` on any page (which sticks
in a cookie), else that cookie, else Indonesian. Dates and numbers are formatted for the
language, times in the office's time zone with the zone shown.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime, tzinfo
from functools import cache
from io import BytesIO

from babel import dates, numbers
from babel.messages.mofile import write_mo

from orchestrator.web.console import catalogue

LANGUAGES = ("id", "en")
DEFAULT = "id"
COOKIE = "siaran_lang"
#: The language's own name, for the switch.
NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def choose(query: str | None, cookie: str | None) -> str:
    """The language of this request."""
    for asked in (query, cookie):
        if asked in LANGUAGES:
            return asked
    return DEFAULT


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English is the source language: no catalogue)."""
    if not catalogue.files(lang):
        return gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, catalogue.merged(lang))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Formats:
    """Dates, times and numbers in one language and the office's time zone."""

    def __init__(self, lang: str, zone: tzinfo) -> None:
        self.lang = lang
        self.zone = zone

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def datetime(self, moment: datetime | None) -> str:
        """``2 Des 2026 09:30 WIB``."""
        if moment is None:
            return "—"
        local = self.local(moment)
        return (f"{dates.format_skeleton('yMMMd', local, locale=self.lang)} "
                f"{local:%H:%M} {self.zone_name(moment)}")

    def time(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return f"{self.local(moment):%H:%M}"

    def date(self, day: date | datetime | str | None, skeleton: str = "yMMMEd") -> str:
        """``Rab, 2 Des 2026`` (``skeleton`` as Babel's, e.g. ``MMMEd``); a day may be given
        as ``YYYY-MM-DD``."""
        if day is None:
            return "—"
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if isinstance(day, datetime):
            day = self.local(day).date()
        return dates.format_skeleton(skeleton, day, locale=self.lang)

    def month(self, day: date) -> str:
        return dates.format_skeleton("yMMMM", day, locale=self.lang)

    def weekday(self, day: date, wide: bool = False) -> str:
        return dates.format_date(day, "EEEE" if wide else "EEE", locale=self.lang)

    def number(self, value: float | int | None) -> str:
        return "n/a" if value is None else numbers.format_decimal(value, locale=self.lang)

    def zone_name(self, moment: datetime | None = None) -> str:
        """The zone's short name at that moment (WIB, WITA, WIT, UTC…)."""
        moment = moment or datetime.now(self.zone)
        return self.local(moment).tzname() or str(self.zone)
