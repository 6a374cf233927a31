"""The counts behind the pillar mix: posts of a period by pillar and status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Select, and_, exists, func, select

from orchestrator.store.schema import post_channels, posts


def counts(conn: Connection, start: datetime, end: datetime,
           channel_id: int | None = None) -> list[tuple[str, str, int]]:
    """(pillar, post status, posts) of the posts scheduled in [start, end), optionally only
    those that target one channel."""
    rows = conn.execute(counts_statement(start, end, channel_id))
    return [(pillar, status, n) for pillar, status, n in rows]


def counts_statement(start: datetime, end: datetime, channel_id: int | None) -> Select:
    """By the period (ix_posts_scheduled), each post's channel looked up by key."""
    query = (select(posts.c.pillar, posts.c.status, func.count())
             .where(posts.c.scheduled_at >= start, posts.c.scheduled_at < end)
             .group_by(posts.c.pillar, posts.c.status))
    if channel_id is not None:
        query = query.where(exists().where(and_(post_channels.c.post_id == posts.c.id,
                                                post_channels.c.channel_id == channel_id)))
    return query
