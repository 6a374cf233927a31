"""The sweeper: what the database says is unfinished, and nobody is working on.

Run by the scheduler every few seconds:

1. **Stale claims.** A delivery ``sending`` for longer than any call may take belongs to a
   worker that died mid-call: it becomes ``unknown`` (the request may have reached the
   platform) with the evidence in its attempt log.
2. **Lost messages.** A delivery ``queued`` (or due for retry) for a while whose message
   Redis no longer holds — Redis restarted empty — is sent again through the outbox.
3. **Undecided outcomes.** ``unknown`` deliveries go to reconciliation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog

from connectors.retry import SWEEP
from orchestrator.domain.model import Attempt
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.reconcile import reconcile
from orchestrator.pipeline.transport import Transport
from orchestrator.runtime.context import Context
from orchestrator.store import deliveries as rows
from orchestrator.store import sweeps

log = structlog.get_logger("siaran.sweeper")
#: The sweeper's timings are the retry policy's (connectors.retry.SWEEP).
LOST_AFTER = timedelta(seconds=SWEEP.lost_after)
SETTLE = timedelta(seconds=SWEEP.settle)
RECHECK = timedelta(seconds=SWEEP.recheck)


def stale_after(ctx: Context) -> timedelta:
    """Longer than any publish call can last (several requests, each with a timeout)."""
    return timedelta(seconds=ctx.settings.claim_timeout)


@dataclass
class SweepReport:
    abandoned: int = 0
    resent: int = 0
    reconciled: int = 0


def sweep(ctx: Context, transport: Transport) -> SweepReport:
    report = SweepReport()
    report.abandoned = abandon_stale_claims(ctx)
    report.resent = resend_lost(ctx, transport)
    report.reconciled = reconcile_undecided(ctx)
    if report.abandoned or report.resent or report.reconciled:
        log.info("sweep", **report.__dict__)
    return report


def abandon_stale_claims(ctx: Context) -> int:
    now = ctx.now()
    moved = 0
    with ctx.db.write() as conn:
        for delivery_id, worker, claimed_at in sweeps.stale_claims(conn, now - stale_after(ctx)):
            why = (f"worker {worker} claimed it at {claimed_at.isoformat()} and never "
                   "reported: the request may have reached the platform")
            if rows.move(conn, delivery_id, [D.SENDING], D.UNKNOWN, now,
                         error_kind="outcome_unknown", error=why):
                rows.record_attempt(conn, Attempt(delivery_id, claimed_at, now, worker or "?",
                                                  "abandoned", error_kind="outcome_unknown",
                                                  excerpt=why), None)
                moved += 1
    return moved


def resend_lost(ctx: Context, transport: Transport) -> int:
    now = ctx.now()
    with ctx.db.read() as conn:
        candidates = sweeps.waiting(conn, now - LOST_AFTER)
    if not candidates:
        return 0
    alive = transport.alive([(queue_for(platform), tid) for _, platform, tid in candidates])
    lost = [(d, platform) for (d, platform, _), ok in zip(candidates, alive, strict=True)
            if not ok]
    if lost:
        with ctx.db.write() as conn:
            for delivery_id, platform in lost:
                rows.add_to_outbox(conn, delivery_id, queue_for(platform), now)
        log.warning("messages lost from Redis, sent again", deliveries=[d for d, _ in lost])
    return len(lost)


def reconcile_undecided(ctx: Context) -> int:
    now = ctx.now()
    with ctx.db.read() as conn:
        due = sweeps.undecided(conn, now - SETTLE, now - RECHECK)
    for delivery_id in due:
        try:
            reconcile(ctx, delivery_id)
        except Exception:  # noqa: BLE001 - one bad delivery must not stop the sweep
            log.exception("reconciliation failed", delivery_id=delivery_id)
    return len(due)
