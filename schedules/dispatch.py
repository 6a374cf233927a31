"""Due-post dispatch: approved posts whose time has come start publishing.

A post already later than its missed window (the scheduler was down) has its deliveries
missed at once; during an embargo they are held with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors.errors import InvalidTransition
from orchestrator.domain.windows import deadline, missed_reason
from orchestrator.editorial.publishing import start_publishing
from orchestrator.runtime.context import Context
from orchestrator.store import embargoes as embargo_rows
from orchestrator.store import posts as post_rows

SYSTEM_ACTOR = "scheduler"
BATCH = 200


def dispatch_due(ctx: Context, *, batch: int = BATCH,
                 after_batch: Callable[[], object] | None = None) -> int:
    """Queue the deliveries of every due approved post; returns how many posts started.

    ``after_batch`` runs after each committed batch (the scheduler relays the outbox there,
    so the first deliveries of a burst leave while the rest is being dispatched)."""
    started = 0
    tz, default_window = ctx.settings.timezone, ctx.settings.missed_after
    while True:
        now = ctx.now()
        with ctx.db.write() as conn:
            due = post_rows.due_with_windows(conn, now, batch)
            embargo = embargo_rows.in_force(conn, now) if due else None
            for post_id, scheduled_at, window in due:
                not_after = deadline(scheduled_at, default_window if window is None else window)
                missed = missed_reason(not_after, now, tz) if now > not_after else None
                try:
                    start_publishing(conn, post_id, now, SYSTEM_ACTOR, "dispatch",
                                     not_after=not_after, missed=missed,
                                     embargo=embargo.reason if embargo else None)
                    started += 1
                except InvalidTransition:
                    continue  # another scheduler took it first
        if due and after_batch is not None:
            after_batch()
        if len(due) < batch:
            return started


def next_due(ctx: Context) -> datetime | None:
    """When the next approved post falls due."""
    with ctx.db.read() as conn:
        return post_rows.next_due(conn)
