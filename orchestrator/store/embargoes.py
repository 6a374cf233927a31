"""Embargo rows (the source of truth of an embargo), and deliveries it holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update

from orchestrator.domain.embargo import HELD_KIND, Embargo, held_reason
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import move_delivery
from orchestrator.store.schema import deliveries, embargoes


def _embargo(row) -> Embargo:
    return Embargo(id=row.id, reason=row.reason, starts_at=row.starts_at, ends_at=row.ends_at,
                   created_by=row.created_by, created_at=row.created_at,
                   lifted_at=row.lifted_at, lifted_by=row.lifted_by)


def _in_force(at) -> list:
    return [embargoes.c.lifted_at.is_(None), embargoes.c.starts_at <= at,
            or_(embargoes.c.ends_at.is_(None), embargoes.c.ends_at > at)]


#: The reason of the embargo in force at ``:embargo_at``, as a scalar subquery: read with a
#: delivery by the claim (orchestrator/store/work.py).
REASON_IN_FORCE = (select(embargoes.c.reason).where(*_in_force(bindparam("embargo_at")))
                   .order_by(embargoes.c.starts_at).limit(1).scalar_subquery())


def add(conn: Connection, *, reason: str, starts_at: datetime, ends_at: datetime | None,
        by: str, now: datetime) -> Embargo:
    new_id = conn.execute(insert(embargoes).values(
        reason=reason, starts_at=starts_at, ends_at=ends_at, created_by=by,
        created_at=now)).inserted_primary_key[0]
    return Embargo(new_id, reason, starts_at, ends_at, by, now)


def in_force(conn: Connection, at: datetime) -> Embargo | None:
    """The embargo holding publishing at ``at`` (the earliest started, if several)."""
    row = conn.execute(select(embargoes).where(*_in_force(at))
                       .order_by(embargoes.c.starts_at).limit(1)).first()
    return None if row is None else _embargo(row)


def every_in_force(conn: Connection, at: datetime) -> list[Embargo]:
    return [_embargo(r) for r in conn.execute(select(embargoes).where(*_in_force(at))
                                              .order_by(embargoes.c.starts_at))]


def upcoming(conn: Connection, at: datetime) -> list[Embargo]:
    """Embargoes planned to start after ``at``, soonest first."""
    return [_embargo(r) for r in conn.execute(
        select(embargoes).where(embargoes.c.lifted_at.is_(None), embargoes.c.starts_at > at)
        .order_by(embargoes.c.starts_at))]


def by_id(conn: Connection, embargo_id: int) -> Embargo | None:
    row = conn.execute(select(embargoes).where(embargoes.c.id == embargo_id)).first()
    return None if row is None else _embargo(row)


def lift(conn: Connection, embargo_id: int, by: str, now: datetime) -> bool:
    """Lift one embargo; True if this call did."""
    return conn.execute(update(embargoes).where(
        embargoes.c.id == embargo_id, embargoes.c.lifted_at.is_(None),
    ).values(lifted_at=now, lifted_by=by)).rowcount == 1


def next_change(conn: Connection, at: datetime) -> datetime | None:
    """The next moment after ``at`` an embargo starts or ends."""
    starts = conn.execute(select(embargoes.c.starts_at).where(
        embargoes.c.lifted_at.is_(None), embargoes.c.starts_at > at)
        .order_by(embargoes.c.starts_at).limit(1)).scalar()
    ends = conn.execute(select(embargoes.c.ends_at).where(
        embargoes.c.lifted_at.is_(None), embargoes.c.ends_at > at)
        .order_by(embargoes.c.ends_at).limit(1)).scalar()
    found = [t for t in (starts, ends) if t is not None]
    return min(found) if found else None


def hold_waiting(conn: Connection, reason: str, now: datetime) -> int:
    """Hold every queued or retry-waiting delivery (not those an admin sent through the
    embargo on purpose); returns how many."""
    move_delivery(D.QUEUED, D.HELD)
    return conn.execute(update(deliveries).where(
        deliveries.c.status.in_([D.QUEUED.value, D.RETRY_WAIT.value]),
        deliveries.c.overrides_embargo.is_(False),
    ).values(status=D.HELD.value, error=held_reason(reason), error_kind=HELD_KIND,
             updated_at=now)).rowcount


def held(conn: Connection, limit: int) -> list[tuple[int, int, datetime | None]]:
    """(delivery id, channel id, not after) of deliveries the embargo holds."""
    rows = conn.execute(select(deliveries.c.id, deliveries.c.channel_id,
                               deliveries.c.not_after)
                        .where(_HELD)
                        .order_by(deliveries.c.id).limit(limit))
    return [tuple(r) for r in rows]


_HELD = and_(deliveries.c.status == D.HELD.value, deliveries.c.error_kind == HELD_KIND)


def count_held(conn: Connection) -> int:
    """How many deliveries an embargo holds."""
    return conn.execute(select(func.count()).select_from(deliveries).where(_HELD)).scalar_one()


def any_held(conn: Connection) -> bool:
    """Does an embargo hold any delivery? (one index probe)"""
    return conn.execute(select(deliveries.c.id).where(_HELD).limit(1)).first() is not None
