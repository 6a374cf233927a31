"""The calendar's periods: a month, an ISO week (Monday first) or a month as a list, named
in the address by its view and a day in it (``?view=week&date=2026-07-08``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connectors.errors import ValidationError
from connectors.wording import Said

VIEWS = ("month", "week", "list")


@dataclass(frozen=True)
class Period:
    """The days [start, end) a view shows; ``day`` is the day the address named."""

    view: str
    day: date
    start: date
    end: date

    @property
    def previous(self) -> date:
        return _shift(self, -1)

    @property
    def following(self) -> date:
        return _shift(self, 1)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """The period as moments: midnight to midnight in the office's zone."""
        return (datetime.combine(self.start, time(), tzinfo=tz),
                datetime.combine(self.end, time(), tzinfo=tz))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    def weeks(self) -> list[list[date]]:
        """The month's grid: whole weeks, Monday first, covering its days."""
        first = self.start - timedelta(days=self.start.weekday())
        last = self.end + timedelta(days=(7 - self.end.weekday()) % 7)
        days = [first + timedelta(days=n) for n in range((last - first).days)]
        return [days[i:i + 7] for i in range(0, len(days), 7)]


def period(view: str, day: date) -> Period:
    """The period of ``view`` holding ``day``."""
    if view not in VIEWS:
        raise ValidationError(Said("a calendar view is one of {views}, got {view!r}",
                                   views=", ".join(VIEWS), view=view),
                              [("view", Said("unknown view"))])
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(view, day, monday, monday + timedelta(days=7))
    first = day.replace(day=1)
    return Period(view, day, first, _next_month(first))


def parse_day(text: str | None, today: date) -> date:
    """``YYYY-MM-DD`` or ``YYYY-MM`` (its first day); ``today`` when not given."""
    if not text:
        return today
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(Said("a calendar date looks like 2026-07-08, got {text!r}",
                                   text=text[:40]),
                              [("date", Said("not a date"))]) from None


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _shift(found: Period, step: int) -> date:
    if found.view == "week":
        return found.start + timedelta(days=7 * step)
    if step > 0:
        return found.end
    return (found.start - timedelta(days=1)).replace(day=1)
