"""Times as people type them, in the office's time zone; stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from connectors.errors import ValidationError

FORMATS = "ISO 8601 (2026-12-01T09:00+07:00) or YYYY-MM-DD HH:MM in the office time zone"


def parse_time(text: str, tz: ZoneInfo) -> datetime:
    """An aware UTC datetime; a time without offset is read in ``tz``."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"cannot read time {text!r}; use {FORMATS}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError(f"time {text!r} is out of range") from None


def parse_day(text: str, tz: ZoneInfo) -> datetime:
    """Local midnight of a YYYY-MM-DD day, as UTC."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"cannot read date {text!r}; use YYYY-MM-DD") from None
    try:
        return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        raise ValidationError(f"date {text!r} is out of range") from None


def parse_bound(text: str, tz: ZoneInfo) -> datetime:
    """A day (its local midnight) or a time, as UTC: the bound of a period."""
    return parse_day(text, tz) if len(text.strip()) == 10 else parse_time(text, tz)
