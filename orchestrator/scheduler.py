"""The scheduler process: due-post dispatch, the outbox relay and the sweeper, in one loop.

Safe to run two: dispatch moves each post with a compare-and-set, and a message relayed
twice is published once thanks to the claim guard. It wakes at the next due time, or every
``SIARAN_TICK_SECONDS`` at the latest; the sweeper runs every ``SWEEP_EVERY`` seconds.
"""

from __future__ import annotations

import threading
import time

import structlog

from orchestrator.context import Context
from orchestrator.outbox import relay
from orchestrator.sweeper import sweep
from orchestrator.transport import Transport
from schedules.dispatch import dispatch_due, next_due

log = structlog.get_logger("siaran.scheduler")
SWEEP_EVERY = 5.0


def tick(ctx: Context, transport: Transport) -> tuple[int, int]:
    """One pass: (posts dispatched, messages relayed)."""
    relayed = 0

    def relay_batch() -> None:
        nonlocal relayed
        relayed += relay(ctx, transport)

    dispatched = dispatch_due(ctx, after_batch=relay_batch)
    relay_batch()  # what was queued outside the scheduler (publish now, retries)
    if dispatched or relayed:
        log.info("scheduler tick", dispatched=dispatched, relayed=relayed)
    return dispatched, relayed


def run(ctx: Context, transport: Transport, stop: threading.Event) -> None:
    """Tick until ``stop`` is set; errors are logged and the loop goes on."""
    period = ctx.settings.tick_seconds
    log.info("scheduler started", tick_seconds=period)
    last_sweep = 0.0
    while not stop.is_set():
        upcoming = None
        try:
            if time.monotonic() - last_sweep >= SWEEP_EVERY:
                sweep(ctx, transport)
                last_sweep = time.monotonic()
            tick(ctx, transport)
            upcoming = next_due(ctx)
        except Exception:  # noqa: BLE001 - a failing tick must not stop the scheduler
            log.exception("scheduler tick failed")
        wait = period
        if upcoming is not None:
            wait = min(period, max(0.0, (upcoming - ctx.now()).total_seconds()))
        stop.wait(wait)
    log.info("scheduler stopped")
