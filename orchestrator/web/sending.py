"""After an answer whose write queued deliveries (publish now, retry, resume), the web
process relays the outbox at once, as the CLI does; without a reachable Redis the
scheduler sends them on its next tick."""

from __future__ import annotations

from fastapi import BackgroundTasks

from orchestrator.pipeline.outbox import relay_now
from orchestrator.runtime.context import Context


def relay_after(tasks: BackgroundTasks, ctx: Context) -> None:
    tasks.add_task(relay_now, ctx)
