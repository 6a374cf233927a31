"""Engagement rows: the watch list of published deliveries, snapshots, the report's rows.

Only these tables are written here; a delivery's own row is read, never changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update

from connectors.engagement import FIELDS
from orchestrator.store.schema import (
    channels,
    deliveries,
    engagement_snapshots,
    engagement_watch,
    posts,
)

PUBLISHED = "published"


@dataclass(frozen=True)
class Watched:
    """A published delivery to read back: where, and since when."""

    delivery_id: int
    post_id: int
    channel_id: int
    external_id: str
    published_at: datetime


def unwatched(conn: Connection, limit: int) -> list[tuple[int, datetime]]:
    """(delivery id, the time it was published) of published deliveries not yet on the
    watch list. A published delivery is not changed again, so its ``updated_at`` is when it
    was published."""
    query = (select(deliveries.c.id, deliveries.c.updated_at)
             .select_from(deliveries.outerjoin(
                 engagement_watch, engagement_watch.c.delivery_id == deliveries.c.id))
             .where(deliveries.c.status == PUBLISHED, deliveries.c.external_id.is_not(None),
                    engagement_watch.c.delivery_id.is_(None))
             .order_by(deliveries.c.id).limit(limit))
    return [(i, at) for i, at in conn.execute(query)]


def watch(conn: Connection, rows: Iterable[tuple[int, datetime, datetime | None]]) -> int:
    """Put deliveries on the watch list: (delivery id, published at, first read at)."""
    values = [{"delivery_id": d, "published_at": p, "next_pull_at": n, "pulls": 0}
              for d, p, n in rows]
    if values:
        conn.execute(insert(engagement_watch), values)
    return len(values)


def _watched_query():
    return (select(deliveries.c.id, deliveries.c.post_id, deliveries.c.channel_id,
                   deliveries.c.external_id, engagement_watch.c.published_at)
            .select_from(engagement_watch.join(
                deliveries, deliveries.c.id == engagement_watch.c.delivery_id)))


def due(conn: Connection, now: datetime, limit: int) -> list[Watched]:
    """Watched deliveries whose next read is due, the longest waiting first."""
    query = (_watched_query().where(engagement_watch.c.next_pull_at <= now)
             .order_by(engagement_watch.c.next_pull_at, deliveries.c.id).limit(limit))
    return [Watched(*row) for row in conn.execute(query)]


def open_ones(conn: Connection, post_id: int | None = None) -> list[Watched]:
    """Watched deliveries still on their schedule; with ``post_id``, every watched delivery
    of that post, schedule over or not."""
    query = _watched_query()
    if post_id is None:
        query = query.where(engagement_watch.c.next_pull_at.is_not(None))
    else:
        query = query.where(deliveries.c.post_id == post_id)
    return [Watched(*row) for row in conn.execute(query.order_by(deliveries.c.id))]


def record(conn: Connection, taken: Iterable[tuple[int, dict, dict]], now: datetime) -> int:
    """Snapshots: (delivery id, common fields, the platform's own values)."""
    values = [{"delivery_id": d, "taken_at": now, "raw": json.dumps(raw, sort_keys=True),
               **{name: fields.get(name) for name in FIELDS}} for d, fields, raw in taken]
    if values:
        conn.execute(insert(engagement_snapshots), values)
    return len(values)


_ADVANCE = (update(engagement_watch)
            .where(engagement_watch.c.delivery_id == bindparam("d"))
            .values(next_pull_at=bindparam("n"), pulls=engagement_watch.c.pulls + 1,
                    last_pulled_at=bindparam("at"), last_error=None))


def advance(conn: Connection, rows: Iterable[tuple[int, datetime | None]], now: datetime,
            *, schedule: bool = True) -> None:
    """Read now: (delivery id, next read or None). Without ``schedule`` (a read outside the
    schedule) the next read stays as it was."""
    values = [{"d": d, "n": n, "at": now} for d, n in rows]
    if not values:
        return
    if schedule:
        conn.execute(_ADVANCE, values)
    else:
        conn.execute(update(engagement_watch)
                     .where(engagement_watch.c.delivery_id == bindparam("d"))
                     .values(last_pulled_at=bindparam("at"), last_error=None),
                     [{"d": v["d"], "at": now} for v in values])


def failed(conn: Connection, delivery_ids: list[int], error: str) -> None:
    """The platform refused: note why; the next read stays due (the next round retries)."""
    if delivery_ids:
        conn.execute(update(engagement_watch)
                     .where(engagement_watch.c.delivery_id.in_(delivery_ids))
                     .values(last_error=error[:500]))


def latest(conn: Connection, start: datetime | None, end: datetime | None) -> list[dict]:
    """The latest snapshot of every delivery published in [start, end), with its post's
    id, title and pillar and its channel's name and platform."""
    newest = (select(func.max(engagement_snapshots.c.id).label("id"))
              .group_by(engagement_snapshots.c.delivery_id).subquery())
    s = engagement_snapshots
    query = (select(s.c.delivery_id, s.c.taken_at, *(s.c[name] for name in FIELDS),
                    deliveries.c.post_id, posts.c.title, posts.c.pillar,
                    channels.c.name.label("channel"), channels.c.platform,
                    engagement_watch.c.published_at)
             .select_from(newest.join(s, s.c.id == newest.c.id)
                          .join(deliveries, deliveries.c.id == s.c.delivery_id)
                          .join(posts, posts.c.id == deliveries.c.post_id)
                          .join(channels, channels.c.id == deliveries.c.channel_id)
                          .join(engagement_watch,
                                engagement_watch.c.delivery_id == deliveries.c.id)))
    bounds = []
    if start is not None:
        bounds.append(engagement_watch.c.published_at >= start)
    if end is not None:
        bounds.append(engagement_watch.c.published_at < end)
    if bounds:
        query = query.where(and_(*bounds))
    return [dict(row._mapping) for row in conn.execute(query.order_by(s.c.delivery_id))]


def snapshots_of(conn: Connection, delivery_id: int) -> list[dict]:
    """Every snapshot of one delivery, oldest first."""
    s = engagement_snapshots
    rows = conn.execute(select(s).where(s.c.delivery_id == delivery_id).order_by(s.c.id))
    return [dict(row._mapping) for row in rows]
