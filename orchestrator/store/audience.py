"""Audience rows: each channel's followers once a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from orchestrator.store.schema import audience_snapshots, channels


def days_taken(conn: Connection, day: str) -> set[int]:
    """Ids of the channels whose audience was taken on ``day``."""
    rows = conn.execute(select(audience_snapshots.c.channel_id)
                        .where(audience_snapshots.c.day == day))
    return {channel_id for (channel_id,) in rows}


def put(conn: Connection, channel_id: int, day: str, followers: int | None,
        now: datetime) -> None:
    """The channel's audience on ``day`` (a second read the same day replaces the first)."""
    a = audience_snapshots
    change = (update(a).where(a.c.channel_id == channel_id, a.c.day == day)
              .values(followers=followers, taken_at=now))
    if conn.execute(change).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(a).values(channel_id=channel_id, day=day, followers=followers,
                                          taken_at=now))
    except IntegrityError:
        conn.execute(change)


def between(conn: Connection, first: str | None, last: str | None) -> list[dict]:
    """Snapshots of days ``first`` to ``last`` (YYYY-MM-DD, both included), by channel
    then day, with the channel's name and platform."""
    a = audience_snapshots
    query = (select(a.c.channel_id, channels.c.name.label("channel"), channels.c.platform,
                    a.c.day, a.c.followers, a.c.taken_at)
             .select_from(a.join(channels, channels.c.id == a.c.channel_id)))
    if first is not None:
        query = query.where(a.c.day >= first)
    if last is not None:
        query = query.where(a.c.day <= last)
    return [dict(r._mapping) for r in conn.execute(query.order_by(channels.c.name, a.c.day))]
