"""Times as people type them, in the office's time zone; stored as UTC.

Accepted: ISO 8601 with an offset (``2026-12-01T09:00+07:00``, ``…Z``), or a day and a time
of day, ``2026-12-01 09:00`` (also ``09.00``, ``9:00``, with seconds), read in the office
zone unless a zone name follows: ``WIB``, ``WITA``, ``WIT`` or ``UTC``. A day alone is not a
publication time: it is refused rather than taken as midnight.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.domain.times import ZONE_NAMES, zone_named

ZONES = ", ".join(ZONE_NAMES)
FORMATS = Said("'YYYY-MM-DD HH:MM' in the office time zone, optionally followed by {zones}, "
               "or ISO 8601 with an offset (2026-12-01T09:00+07:00)", zones=ZONES)
_WRITTEN = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})(?:[ T]+(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?)?"
    r"(?:\s*(?P<zone>[A-Za-z]{3,4}))?")


def parse_time(text: str, tz: ZoneInfo) -> datetime:
    """An aware UTC datetime; a time without offset or zone name is read in ``tz``."""
    raw = text.strip()
    written = _WRITTEN.fullmatch(raw)
    if written:
        return _written(raw, written, tz)
    try:
        date.fromisoformat(raw)
    except ValueError:
        pass
    else:
        raise _day_only(raw)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(Said("cannot read time {text!r}; use {formats}", text=text,
                                   formats=FORMATS)) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError(Said("time {text!r} is out of range", text=text)) from None


def parse_day(text: str, tz: ZoneInfo) -> datetime:
    """Local midnight of a YYYY-MM-DD day, as UTC."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(Said("cannot read date {text!r}; use YYYY-MM-DD", text=text)
                              ) from None
    try:
        return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        raise ValidationError(Said("date {text!r} is out of range", text=text)) from None


def parse_bound(text: str, tz: ZoneInfo) -> datetime:
    """A bound of a period: a day (its local midnight) or a time, as UTC."""
    try:
        return parse_day(text, tz)
    except ValidationError:
        pass
    try:
        return parse_time(text, tz)
    except ValidationError:
        raise ValidationError(Said("cannot read {text!r}; use YYYY-MM-DD or {formats}",
                                   text=text, formats=FORMATS)) from None


def _written(raw: str, found: re.Match, tz: ZoneInfo) -> datetime:
    if found["h"] is None:
        raise _day_only(found["day"])
    zone = tz
    if found["zone"]:
        zone = zone_named(found["zone"])
        if zone is None:
            raise ValidationError(Said("unknown time zone {zone!r} in {text!r}; use {zones} "
                                       "or an offset such as +07:00", zone=found["zone"],
                                       text=raw, zones=ZONES))
    try:
        day = date.fromisoformat(found["day"])
        clock = time(int(found["h"]), int(found["m"]), int(found["s"] or 0))
    except ValueError as error:
        raise ValidationError(Said("cannot read time {text!r}: {error}", text=raw,
                                   error=str(error))) from None
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _day_only(day: str) -> ValidationError:
    return ValidationError(Said("{day!r} is a day without a time of day; give the time too, "
                                "for example '{day} 09:00' (office time zone) or "
                                "'{day} 09:00 WIB'", day=day))
