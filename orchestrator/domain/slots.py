"""Posting slots: the regular times a channel publishes at, in the channel's time zone.

A rule reads like ``mon-fri 09:00,12:00,19:00`` or ``sat 10:00``: days (English or Bahasa
Indonesia abbreviations, ranges, ``daily``) and local times. A slot is *taken* when a
scheduled post targets the channel at that moment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.errors import ValidationError
from connectors.wording import Said

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Bahasa Indonesia: Senin, Selasa, Rabu, Kamis, Jumat, Sabtu, Minggu.
HARI = ("sen", "sel", "rab", "kam", "jum", "sab", "min")
#: Indonesia's three zones: WIB, WITA, WIT.
INDONESIA = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class SlotRule:
    """Local ``times`` on each of ``days`` (0 = Monday)."""

    days: tuple[int, ...]
    times: tuple[time, ...]

    def __str__(self) -> str:
        return f"{_days_text(self.days)} {','.join(t.strftime('%H:%M') for t in self.times)}"


def checked_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; an unknown one is refused, naming Indonesia's."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        known = ", ".join(f"{z} ({abbr})" for z, abbr in INDONESIA.items())
        raise ValidationError(Said("unknown time zone {name!r}; Indonesia's: {known}",
                                   name=name, known=known)) from None


def parse_rule(text: str) -> SlotRule:
    """``mon-fri 09:00,12:00,19:00`` → a rule."""
    parts = text.strip().lower().split()
    if len(parts) != 2:
        raise ValidationError(Said("a slot rule looks like 'mon-fri 09:00,12:00', got {text!r}",
                                   text=text))
    days = _parse_days(parts[0], text)
    times = []
    for item in parts[1].split(","):
        match = _TIME.fullmatch(item)
        if not match:
            raise ValidationError(Said("cannot read time {time!r} in {text!r}; use HH:MM",
                                       time=item, text=text))
        times.append(time(int(match[1]), int(match[2])))
    return SlotRule(tuple(sorted(set(days))), tuple(sorted(set(times))))


def _day(name: str, text: str) -> int:
    for names in (DAYS, HARI):
        if name in names:
            return names.index(name)
    raise ValidationError(Said("unknown day {name!r} in {text!r}; use {days} (or sen … min), "
                               "ranges such as mon-fri, or daily", name=name, text=text,
                               days=", ".join(DAYS)))


def _parse_days(spec: str, text: str) -> list[int]:
    if spec in ("daily", "setiap-hari"):
        return list(range(7))
    days: list[int] = []
    for item in spec.split(","):
        first, _, last = item.partition("-")
        start = _day(first, text)
        end = _day(last, text) if last else start
        days += [(start + i) % 7 for i in range((end - start) % 7 + 1)]
    return days


def _days_text(days: tuple[int, ...]) -> str:
    """(0, 1, 2, 3, 4) → ``mon-fri``; (0, 2, 4) → ``mon,wed,fri``."""
    if len(days) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" for r in runs)


def to_json(rules: tuple[SlotRule, ...]) -> str:
    return json.dumps([{"days": list(r.days), "times": [t.strftime("%H:%M") for t in r.times]}
                       for r in rules])


def from_json(text: str | None) -> tuple[SlotRule, ...]:
    if not text:
        return ()
    return tuple(SlotRule(tuple(r["days"]), tuple(time.fromisoformat(t) for t in r["times"]))
                 for r in json.loads(text))


def instants(rules: tuple[SlotRule, ...], tz: ZoneInfo, start: datetime, end: datetime
             ) -> list[datetime]:
    """Every slot moment in [start, end), as aware UTC datetimes, in order."""
    found: set[datetime] = set()
    day: date = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        weekday = day.weekday()
        for rule in rules:
            if weekday in rule.days:
                for at in rule.times:
                    moment = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
                    if start <= moment < end:
                        found.add(moment)
        day += timedelta(days=1)
    return sorted(found)
