"""What the alert watcher reads of the publishing state: delivery problems not yet counted,
channels needing re-authorisation, unknown deliveries left undecided, embargoes, and
yesterday's figures for the digest. Read-only but for the watcher's own memory
(``alert_noticed``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from orchestrator.store.schema import (
    alert_noticed,
    channels,
    deliveries,
    embargoes,
    posts,
)

PROBLEMS = ("failed", "unknown", "missed")


@dataclass(frozen=True)
class Problem:
    """A delivery that ended badly, as the watcher sees it."""

    delivery_id: int
    post_id: int
    post_title: str
    channel: str
    platform: str
    status: str
    error_kind: str | None
    error: str | None
    updated_at: datetime
    reconciled_at: datetime | None


_PROBLEM = select(
    deliveries.c.id, deliveries.c.post_id, posts.c.title, channels.c.name,
    channels.c.platform, deliveries.c.status, deliveries.c.error_kind, deliveries.c.error,
    deliveries.c.updated_at, deliveries.c.reconciled_at,
).select_from(deliveries.join(posts, posts.c.id == deliveries.c.post_id)
              .join(channels, channels.c.id == deliveries.c.channel_id))


def _problem(row) -> Problem:
    return Problem(row.id, row.post_id, row.title, row.name, row.platform, row.status,
                   row.error_kind, row.error, row.updated_at, row.reconciled_at)


def new_problems(conn: Connection, statuses: tuple[str, ...], since: datetime
                 ) -> list[Problem]:
    """Deliveries in ``statuses`` changed since ``since`` and not yet noticed in that state
    at that moment; they are noticed now (same transaction)."""
    rows = conn.execute(_PROBLEM.where(deliveries.c.status.in_(statuses),
                                       deliveries.c.updated_at >= since)
                        .order_by(deliveries.c.updated_at, deliveries.c.id)).all()
    if not rows:
        return []
    seen = {(r.delivery_id, r.status): r.at for r in conn.execute(
        select(alert_noticed).where(alert_noticed.c.delivery_id.in_([r.id for r in rows])))}
    fresh = []
    for row in rows:
        before = seen.get((row.id, row.status))
        if before is not None and before >= row.updated_at:
            continue
        fresh.append(_problem(row))
        if before is None:
            conn.execute(insert(alert_noticed).values(delivery_id=row.id, status=row.status,
                                                      at=row.updated_at))
        else:
            conn.execute(update(alert_noticed).where(
                alert_noticed.c.delivery_id == row.id, alert_noticed.c.status == row.status,
            ).values(at=row.updated_at))
    return fresh


def forget_noticed(conn: Connection, before: datetime) -> None:
    """Drop the memory of problems older than anything the watcher still looks at."""
    conn.execute(delete(alert_noticed).where(alert_noticed.c.at < before))


def undecided(conn: Connection, older_than: datetime) -> list[Problem]:
    """Unknown deliveries that reconciliation has not settled since ``older_than``: they
    need a person."""
    return [_problem(r) for r in conn.execute(_PROBLEM.where(
        deliveries.c.status == "unknown", deliveries.c.updated_at <= older_than))]


def channels_in_state(conn: Connection, state: str) -> list[tuple[int, str, str]]:
    """(id, name, platform) of the channels in ``state``."""
    return [tuple(r) for r in conn.execute(
        select(channels.c.id, channels.c.name, channels.c.platform)
        .where(channels.c.state == state).order_by(channels.c.name))]


def every_channel(conn: Connection) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in conn.execute(
        select(channels.c.id, channels.c.name, channels.c.platform).order_by(channels.c.id))]


def embargoes_between(conn: Connection, since: datetime, until: datetime
                      ) -> list[tuple[int, str, datetime, datetime | None, str | None,
                                      datetime | None]]:
    """Embargoes that started, ended or were lifted in (since, until], and those in force:
    (id, reason, starts_at, ends_at, lifted_by, lifted_at)."""
    ended = func.coalesce(embargoes.c.lifted_at, embargoes.c.ends_at)
    rows = conn.execute(select(
        embargoes.c.id, embargoes.c.reason, embargoes.c.starts_at, embargoes.c.ends_at,
        embargoes.c.lifted_by, embargoes.c.lifted_at,
    ).where(embargoes.c.starts_at <= until,
            or_(ended.is_(None), ended > since)).order_by(embargoes.c.id)).all()
    return [tuple(r) for r in rows]


def delivery_counts(conn: Connection, start: datetime, end: datetime) -> dict[str, int]:
    """Deliveries that reached each status in [start, end)."""
    return dict(conn.execute(select(deliveries.c.status, func.count()).where(
        deliveries.c.updated_at >= start, deliveries.c.updated_at < end,
    ).group_by(deliveries.c.status)).all())


def posts_in(conn: Connection, status: str) -> int:
    return conn.execute(select(func.count()).select_from(posts)
                        .where(posts.c.status == status)).scalar_one()
