"""Queries of the sweeper: stale claims, waiting deliveries, undecided outcomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, or_, select

from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.store.schema import channels, deliveries, outbox

LIMIT = 500


def stale_claims(conn: Connection, claimed_before: datetime) -> list[tuple[int, str, datetime]]:
    """(delivery id, worker, claimed at) of claims older than ``claimed_before``."""
    rows = conn.execute(select(deliveries.c.id, deliveries.c.claimed_by, deliveries.c.claimed_at)
                        .where(deliveries.c.status == D.SENDING.value,
                               deliveries.c.claimed_at < claimed_before).limit(LIMIT))
    return [tuple(r) for r in rows]


def waiting(conn: Connection, before: datetime) -> list[tuple[int, str, str | None]]:
    """(delivery id, platform, transport id) of deliveries that should have been picked up.

    Queued since before ``before``, or due for retry since before it, and not in the outbox.
    """
    not_in_outbox = ~select(outbox.c.id).where(outbox.c.delivery_id == deliveries.c.id).exists()
    rows = conn.execute(
        select(deliveries.c.id, channels.c.platform, deliveries.c.transport_id)
        .join(channels, channels.c.id == deliveries.c.channel_id)
        .where(or_(and_(deliveries.c.status == D.QUEUED.value,
                        deliveries.c.updated_at < before),
                   and_(deliveries.c.status == D.RETRY_WAIT.value,
                        deliveries.c.next_attempt_at < before)),
               not_in_outbox)
        .order_by(deliveries.c.id).limit(LIMIT))
    return [tuple(r) for r in rows]


def undecided(conn: Connection, settled_before: datetime, checked_before: datetime
              ) -> list[int]:
    """Unknown deliveries due for (another) reconciliation."""
    return list(conn.execute(
        select(deliveries.c.id).where(
            deliveries.c.status == D.UNKNOWN.value,
            deliveries.c.updated_at < settled_before,
            or_(deliveries.c.reconciled_at.is_(None),
                deliveries.c.reconciled_at < checked_before))
        .order_by(deliveries.c.id).limit(LIMIT)).scalars())
