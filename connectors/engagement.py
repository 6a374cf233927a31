"""What a published post has gathered on its platform, in one shape for every platform.

Each platform names its numbers differently; a connector maps them onto these fields and
keeps its own names in ``raw``. None means the platform does not tell (Telegram's Bot API
cannot read a channel post's views): it is never shown as 0.

========  =====================  =========================  ==================  ===========
field     X (public_metrics)     Facebook Page post         Instagram media     WordPress
========  =====================  =========================  ==================  ===========
views     impression_count       post_media_view            views               —
reach     —                      post_total_media_view_u…   reach               —
reactions like_count             reactions (summary)        likes               —
comments  reply_count            comments (summary)         comments            comments
shares    retweet + quote        shares.count               shares              —
saves     bookmark_count         —                          saved               —
========  =====================  =========================  ==================  ===========
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The common fields, in the order reports show them.
FIELDS = ("views", "reach", "reactions", "comments", "shares", "saves")
#: The fields that count as people interacting with a post.
INTERACTIONS = ("reactions", "comments", "shares", "saves")


@dataclass(frozen=True)
class Engagement:
    """One post's numbers at one moment; None: the platform does not tell."""

    views: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    #: The platform's own names and values, as it answered.
    raw: Mapping[str, int | None] = field(default_factory=dict)

    def values(self) -> dict[str, int | None]:
        """The common fields by name."""
        return {name: getattr(self, name) for name in FIELDS}

    @property
    def interactions(self) -> int | None:
        """Reactions, comments, shares and saves together; None when none is known."""
        known = [v for v in (getattr(self, n) for n in INTERACTIONS) if v is not None]
        return sum(known) if known else None


def count(value: object) -> int | None:
    """A platform's number as an int (None when absent or not a number)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
