"""Posting rate limits: a channel may publish at most ``count`` posts per ``seconds``.

Each channel starts from its platform's known posting caps (PLATFORMS.md, 2026-11) and can
override them (``siaran channel add --rate-limit 50/1h``, or ``--rate-limit none``).
Platforms' answers tighten them further at run time (reset headers, retry_after).

The caps are kept here rather than on the connector classes: a channel's limits are worked
out by the domain (``Channel.posting_limits``), and the domain may not import the connectors'
registry. A platform without an entry has no default cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.errors import ConfigError
from connectors.wording import Said

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int

    def __str__(self) -> str:
        for unit, size in reversed(UNITS.items()):
            if self.seconds % size == 0:
                return f"{self.count}/{self.seconds // size}{unit}"
        return f"{self.count}/{self.seconds}s"


#: Known posting caps per platform. X: 100 posts / 15 min per user (paid tiers also have
#: 24-hour caps: add them per channel). Instagram: 50 published posts / 24 h
#: (content_publishing_limit). Telegram: about 20 messages / minute to one group or
#: channel. Facebook Pages and WordPress publish no fixed count; their usage headers and
#: 429s are followed at run time.
POSTING_CAPS: dict[str, tuple[RateLimit, ...]] = {
    "x": (RateLimit(100, 900),),
    "instagram": (RateLimit(50, 86400),),
    "telegram": (RateLimit(20, 60),),
}


def parse_rate_limit(text: str) -> RateLimit:
    """``COUNT/PERIOD`` with PERIOD like ``15m``, ``1h``, ``24h``, ``60s``."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", text)
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ConfigError(Said("rate limit must look like 100/15m or 50/24h, got {text!r}",
                               text=text))
    return RateLimit(int(match[1]), int(match[2] or 1) * UNITS[match[3]])


def limits_for(platform: str, override: tuple[RateLimit, ...] | None) -> tuple[RateLimit, ...]:
    """A channel's limits: its own if set, else its platform's caps."""
    return POSTING_CAPS.get(platform, ()) if override is None else override
