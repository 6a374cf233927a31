"""Missed windows: a post must start going out within a window after its time.

A delivery that would start later than its post's time plus the window (Siaran was down,
the channel was paused, an embargo held it) is not published: it is ``missed``, and only
an explicit publish-now or an operator's retry sends it. A morning greeting must never go
out at night.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.domain.limits import UNITS

#: The window when neither the post nor ``SIARAN_MISSED_AFTER`` says otherwise.
DEFAULT_SECONDS = 3600.0
#: The error kind recorded on a missed delivery.
MISSED = "missed_window"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")


def parse_duration(text: str) -> float:
    """Seconds of a duration such as ``90s``, ``30m``, ``2h``, ``1d`` or ``1h30m`` (a bare
    number is seconds); zero or less is refused."""
    compact = text.strip().lower().replace(" ", "")
    parts = list(_DURATION.finditer(compact))
    if not compact or "".join(m[0] for m in parts) != compact:
        raise ValidationError(Said("cannot read duration {text!r}; use e.g. 90s, 30m or 2h",
                                   text=text))
    seconds = sum(float(m[1]) * UNITS[m[2] or "s"] for m in parts)
    if seconds <= 0:
        raise ValidationError(Said("a duration must be longer than nothing, got {text!r}",
                                   text=text))
    return seconds


def describe(seconds: float) -> str:
    """``5400`` → ``1h30m``."""
    left, out = int(round(seconds)), []
    for unit in ("d", "h", "m", "s"):
        size = UNITS[unit]
        if left >= size or (unit == "s" and not out):
            out.append(f"{left // size}{unit}")
            left %= size
    return "".join(out)


def deadline(scheduled_at: datetime, window: float) -> datetime:
    """The latest moment a delivery of a post due at ``scheduled_at`` may start."""
    return scheduled_at + timedelta(seconds=window)


def missed_reason(not_after: datetime, now: datetime, tz: ZoneInfo) -> str:
    """Why a delivery was not sent, its deadline shown in ``tz`` (the office's zone)."""
    late = (now - not_after).total_seconds()
    by = not_after.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"missed its window: it had to start by {by}, {describe(late)} ago"
