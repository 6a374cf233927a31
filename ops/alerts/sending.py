"""Alert messages out: due events fanned out to every target as recorded sends, and each
send attempted with a timeout, retried with backoff, its outcome and attempts recorded.

Runs in the watcher (``siaran watch``), never in a worker or the scheduler: a target that
is down costs the watcher its timeout, and publishing nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import structlog

from ops.alerts import metrics
from ops.alerts.messages import for_event
from ops.alerts.senders import Alert, SendError, recipient, send
from orchestrator.runtime.context import Context
from orchestrator.store import alert_events as events
from orchestrator.store import alert_targets as targets

log = structlog.get_logger("siaran.alerts")
#: Seconds before the 2nd, 3rd, … attempt; after the last, the send is given up.
BACKOFF = (5.0, 15.0, 60.0, 300.0, 900.0)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass(frozen=True)
class Attempted:
    send_id: int
    outcome: str  # sent | pending (will retry) | failed
    error: str | None
    recipient: str


def fan_out(ctx: Context) -> int:
    """Turn every due event into one recorded send per target; returns the sends made."""
    settings, now = ctx.settings.alerts, ctx.now()
    made = 0
    with ctx.db.write() as conn:
        found = targets.every(conn)
        for row in events.due(conn, now, settings.group_wait, settings.renotify):
            alert = for_event(row, settings.public_url, ctx.settings.timezone, now)
            for target in found:
                _record(conn, target, alert, row.subject, max(row.count - row.notified_count,
                                                              1), now)
                made += 1
            events.told(conn, row.id, row.count, now)
    return made


def record(ctx: Context, target: targets.TargetRow, alert: Alert, subject: str) -> int:
    with ctx.db.write() as conn:
        return _record(conn, target, alert, subject, 1, ctx.now())


def _record(conn, target: targets.TargetRow, alert: Alert, subject: str, count: int,
            now) -> int:
    return events.add_send(
        conn, target_id=target.id, target_name=target.name, target_kind=target.kind,
        event=alert.event, subject=subject, count=count, title=alert.title,
        message=alert.text, payload=alert.payload,
        recipient=recipient(target.kind, target.settings), now=now)


def send_pending(ctx: Context, pool: ThreadPoolExecutor | None = None) -> list[Attempted]:
    """Attempt every send that is due, at once (a dead target holds up no other)."""
    with ctx.db.read() as conn:
        due = [s.id for s in events.pending(conn, ctx.now())]
    if not due:
        return []
    if pool is None:
        return [attempt(ctx, send_id) for send_id in due]
    return list(pool.map(lambda send_id: attempt(ctx, send_id), due))


def attempt(ctx: Context, send_id: int, *, final: bool = False) -> Attempted:
    """One attempt of one send; ``final``: no retry after a failure (``alert test``)."""
    timeout = ctx.settings.alerts.timeout
    with ctx.db.write() as conn:
        sent = events.get_send(conn, send_id)
        if sent.outcome != "pending" or not events.take(
                conn, sent, ctx.now() + timedelta(seconds=3 * timeout + 5)):
            return Attempted(send_id, sent.outcome, sent.error, sent.recipient)
        target = targets.by_id(conn, sent.target_id) if sent.target_id else None
        sealed = targets.sealed_secret(conn, target.id) if target else None
    attempts = sent.attempts + 1
    error = None
    if target is None or sealed is None:
        error = "the alert target was removed"
        final = True
    else:
        try:
            secret = ctx.box.open(sealed)["secret"]
            send(target.kind, target.settings, secret, Alert(
                sent.event, sent.title, sent.message, sent.payload), timeout)
        except SendError as failed:
            error = str(failed)
        except Exception as failed:  # noqa: BLE001 - e.g. a key that no longer opens it
            error = type(failed).__name__
    now = ctx.now()
    if error is None:
        outcome, next_at = "sent", None
    elif final or attempts >= MAX_ATTEMPTS:
        outcome, next_at = "failed", None
    else:
        outcome = "pending"
        next_at = now + timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])
    with ctx.db.write() as conn:
        events.finish(conn, send_id, outcome=outcome, error=error, now=now,
                      next_attempt_at=next_at)
    metrics.count(sent.target_kind, sent.event, "retry" if outcome == "pending" else outcome)
    if error is None:
        log.info("alert sent", target=sent.target_name, alert=sent.event, attempts=attempts)
    else:
        log.warning("alert not sent", target=sent.target_name, alert=sent.event,
                    attempts=attempts, error=error, outcome=outcome)
    return Attempted(send_id, outcome, error, sent.recipient)
