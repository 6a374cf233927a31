"""The scheduler process: due-post dispatch and the outbox relay, in one loop.

Safe to run two: dispatch moves each post with a compare-and-set, and a message relayed
twice is published once thanks to the claim guard. It wakes at the next due time, or every
``SIARAN_TICK_SECONDS`` at the latest.
"""

from __future__ import annotations

import threading

import structlog

from orchestrator.context import Context
from orchestrator.outbox import Send, relay
from schedules.dispatch import dispatch_due, next_due

log = structlog.get_logger("siaran.scheduler")


def tick(ctx: Context, send: Send) -> tuple[int, int]:
    """One pass: (posts dispatched, messages relayed)."""
    dispatched = dispatch_due(ctx)
    relayed = relay(ctx, send)
    if dispatched or relayed:
        log.info("scheduler tick", dispatched=dispatched, relayed=relayed)
    return dispatched, relayed


def run(ctx: Context, send: Send, stop: threading.Event) -> None:
    """Tick until ``stop`` is set; errors are logged and the loop goes on."""
    period = ctx.settings.tick_seconds
    log.info("scheduler started", tick_seconds=period)
    while not stop.is_set():
        try:
            tick(ctx, send)
            upcoming = next_due(ctx)
        except Exception:  # noqa: BLE001 - a failing tick must not stop the scheduler
            log.exception("scheduler tick failed")
            upcoming = None
        wait = period
        if upcoming is not None:
            wait = min(period, max(0.0, (upcoming - ctx.now()).total_seconds()))
        stop.wait(wait)
    log.info("scheduler stopped")
