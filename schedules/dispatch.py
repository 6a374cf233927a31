"""Due-post dispatch: approved posts whose time has come start publishing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors.errors import InvalidTransition
from orchestrator.editorial.publishing import start_publishing
from orchestrator.runtime.context import Context
from orchestrator.store import posts as post_rows

SYSTEM_ACTOR = "scheduler"
BATCH = 200


def dispatch_due(ctx: Context, *, batch: int = BATCH,
                 after_batch: Callable[[], object] | None = None) -> int:
    """Queue the deliveries of every due approved post; returns how many posts started.

    ``after_batch`` runs after each committed batch (the scheduler relays the outbox there,
    so the first deliveries of a burst leave while the rest is being dispatched)."""
    started = 0
    while True:
        now = ctx.now()
        with ctx.db.write() as conn:
            due = post_rows.due(conn, now, batch)
            for post_id in due:
                try:
                    start_publishing(conn, post_id, now, SYSTEM_ACTOR, "dispatch")
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
