"""Missed windows in the pipeline: a delivery that can no longer start in time is missed.

Called by the claim (a queued or retry-waiting delivery past its window), and when held
deliveries are released (a channel resumed, an embargo lifted). Dispatch misses the
deliveries of a post that is already late when it falls due
(:func:`orchestrator.editorial.publishing.start_publishing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog

from orchestrator.domain.model import Delivery
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.windows import MISSED, missed_reason
from orchestrator.pipeline.rollup import roll_up
from orchestrator.store import deliveries as rows
from orchestrator.store.db import Connection

log = structlog.get_logger("siaran.windows")


def too_late(delivery: Delivery, now: datetime) -> bool:
    """Would the delivery start after the latest moment it may?"""
    return delivery.not_after is not None and now > delivery.not_after


def miss(conn: Connection, delivery: Delivery, sources: Iterable[D], now: datetime,
         tz: ZoneInfo) -> bool:
    """Mark a delivery past its window missed (from one of ``sources``), and roll its post
    up; True if this call moved it."""
    assert delivery.not_after is not None
    reason = missed_reason(delivery.not_after, now, tz)
    if not rows.move(conn, delivery.id, sources, D.MISSED, now, error=reason,
                     error_kind=MISSED):
        return False
    roll_up(conn, delivery.post_id, now)
    log.warning("delivery missed its window", delivery_id=delivery.id, reason=reason)
    return True
