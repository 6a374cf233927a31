"""Posting slots of channels, and which slot moments scheduled posts take."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, text, update

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
    rows = conn.execute(
        select(post_channels.c.channel_id, posts.c.scheduled_at)
        .join(posts, posts.c.id == post_channels.c.post_id)
        .where(post_channels.c.channel_id.in_(channel_ids), posts.c.scheduled_at >= start,
               posts.c.scheduled_at < end, posts.c.status.not_in(_FREED)))
    for channel_id, at in rows:
        found[channel_id].add(at)
    return found


def lock_placing(conn: Connection) -> None:
    """Serialise slot placement until the transaction ends, so that two posts placed at once
    cannot take the same slot. SQLite writers are serialised already (``BEGIN
    IMMEDIATE``); PostgreSQL takes a transaction-level advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PLACING})
