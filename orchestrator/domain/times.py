"""Office time: Indonesia's zone names, and a moment written the way the office reads it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

#: The zone names people write after a time, and the zones they mean.
ZONE_NAMES: dict[str, str] = {
    "WIB": "Asia/Jakarta",     # Waktu Indonesia Barat, UTC+7
    "WITA": "Asia/Makassar",   # Waktu Indonesia Tengah, UTC+8
    "WIT": "Asia/Jayapura",    # Waktu Indonesia Timur, UTC+9
    "UTC": "UTC",
}


def zone_named(name: str) -> ZoneInfo | None:
    """The zone a name such as ``WIB`` stands for (any letter case); None if unknown."""
    found = ZONE_NAMES.get(name.upper())
    return ZoneInfo(found) if found else None


def shown(value: datetime, tz: ZoneInfo) -> str:
    """``2026-12-01 09:00 WIB``: ``value`` in the office zone (seconds only when not 0)."""
    local = value.astimezone(tz)
    clock = "%H:%M:%S" if local.second else "%H:%M"
    return local.strftime(f"%Y-%m-%d {clock} ") + (local.tzname() or local.strftime("%z"))
