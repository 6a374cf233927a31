"""The embargo: every channel stops at once (a day of national mourning, a crisis, an
election quiet period), now or for a period planned ahead, until it ends or is lifted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: The error kind of a delivery the embargo holds; lifting the embargo releases exactly
#: these (a delivery held because its channel is paused stays held).
HELD_KIND = "embargo"


@dataclass(frozen=True)
class Embargo:
    id: int
    reason: str
    starts_at: datetime
    ends_at: datetime | None
    created_by: str
    created_at: datetime
    lifted_at: datetime | None = None
    lifted_by: str | None = None

    def in_force(self, at: datetime) -> bool:
        """True while it holds publishing at ``at``."""
        return (self.lifted_at is None and self.starts_at <= at
                and (self.ends_at is None or at < self.ends_at))


def held_reason(reason: str) -> str:
    """What a held delivery shows."""
    return f"embargo: {reason}"
