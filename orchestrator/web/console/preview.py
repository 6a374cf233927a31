"""The live preview's counters as the page shows them: within the limit, near it (amber,
from 90 %) or past it (red), each with a word and an icon, and the sentence announced to
screen readers when that changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from orchestrator.editorial.validation import ChannelCheck

#: Platforms as their owners write them.
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram",
                  "telegram": "Telegram", "wordpress": "WordPress"}
#: From this share of a limit on, a counter warns.
NEAR = 0.9
#: Counters shown only when something is counted (no media: no media counter).
ONLY_WHEN_USED = ("media", "hashtags", "mentions")


@dataclass(frozen=True)
class Shown:
    """One counter on the page."""

    what: str
    used: int
    limit: int
    state: str  # ok, near, over


@dataclass(frozen=True)
class ChannelPreview:
    check: ChannelCheck
    counters: list[Shown]

    @property
    def blocking(self) -> list:
        return [f for f in self.check.findings if f.blocking]

    @property
    def warnings(self) -> list:
        return [f for f in self.check.findings if not f.blocking]


def state(used: int, limit: int) -> str:
    if used > limit:
        return "over"
    return "near" if limit and used >= NEAR * limit else "ok"


def preview_values(checks: list[ChannelCheck]) -> list[ChannelPreview]:
    return [ChannelPreview(c, [Shown(k.what, k.used, k.limit, state(k.used, k.limit))
                               for k in c.counters
                               if k.limit and (k.used or k.what not in ONLY_WHEN_USED)])
            for c in checks]


def announcement(_: Callable[[str], str], previews: list[ChannelPreview]) -> str:
    """What a screen reader hears: the counters near or past their limit, else that all
    are within."""
    said = []
    for p in previews:
        for k in p.counters:
            if k.state == "over":
                said.append(_("{channel}: {used} of {limit}, over the limit.").format(
                    channel=p.check.channel, used=k.used, limit=k.limit))
            elif k.state == "near":
                said.append(_("{channel}: {used} of {limit}, near the limit.").format(
                    channel=p.check.channel, used=k.used, limit=k.limit))
    if not previews:
        return ""
    return " ".join(said) or _("Every channel is within its limits.")
