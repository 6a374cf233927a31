"""Posting slots of channels, and which slot moments scheduled posts take."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Select, select, text, update

from orchestrator.domain.states import PostStatus
from orchestrator.store.schema import channels, post_channels, posts

#: Post states that no longer take their slot.
_FREED = [PostStatus.CANCELLED.value, PostStatus.REJECTED.value]
#: The PostgreSQL advisory lock key of slot placement (any constant both sides agree on).
_PLACING = 0x5349_4152  # "SIAR"


def save(conn: Connection, channel_id: int, rules_json: str | None) -> None:
    conn.execute(update(channels).where(channels.c.id == channel_id).values(slots=rules_json))


def of_channels(conn: Connection, channel_ids: list[int]
                ) -> dict[int, tuple[str, str | None, str | None]]:
    """Channel id → (name, time zone, slots JSON)."""
    rows = conn.execute(select(channels.c.id, channels.c.name, channels.c.timezone,
                               channels.c.slots).where(channels.c.id.in_(channel_ids)))
    return {r.id: (r.name, r.timezone, r.slots) for r in rows}


def taken(conn: Connection, channel_ids: list[int], start: datetime, end: datetime
          ) -> dict[int, set[datetime]]:
    """For each channel, the moments in [start, end) at which a scheduled post (not
    cancelled or rejected) targets it."""
    found: dict[int, set[datetime]] = {c: set() for c in channel_ids}
    for channel_id, at in conn.execute(taken_statement(channel_ids, start, end)):
        found[channel_id].add(at)
    return found


def taken_statement(channel_ids: list[int], start: datetime, end: datetime) -> Select:
    """``channel_id + 0`` keeps SQLite's planner off ix_post_channels_channel: the stretch of
    calendar (ix_posts_scheduled) drives the query, not every post the channels ever had,
    which grows with the years."""
    return (select(post_channels.c.channel_id, posts.c.scheduled_at)
            .select_from(posts).join(post_channels, post_channels.c.post_id == posts.c.id)
            .where(posts.c.scheduled_at >= start, posts.c.scheduled_at < end,
                   posts.c.status.not_in(_FREED),
                   (post_channels.c.channel_id + 0).in_(channel_ids)))


def lock_placing(conn: Connection) -> None:
    """Serialise slot placement until the transaction ends, so that two posts placed at once
    cannot take the same slot. SQLite writers are serialised already (``BEGIN
    IMMEDIATE``); PostgreSQL takes a transaction-level advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PLACING})
