"""The scheduler process: due-post dispatch, the outbox relay and the sweeper, in one loop.

Safe to run two: dispatch moves each post with a compare-and-set, and a message relayed
twice is published once thanks to the claim guard. It wakes at the next due time, or every
``SIARAN_TICK_SECONDS`` at the latest; the sweeper runs every ``SWEEP_EVERY`` seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import structlog

from orchestrator.pipeline.outbox import relay
from orchestrator.pipeline.sweeper import sweep
from orchestrator.pipeline.transport import Transport
from orchestrator.runtime.context import Context
from schedules.dispatch import dispatch_due, next_due

log = structlog.get_logger("siaran.scheduler")
SWEEP_EVERY = 5.0


@dataclass(frozen=True)
class Tick:
    """What one pass did, and how long it took (relaying included in ``seconds``)."""

    dispatched: int
    relayed: int
    seconds: float
    relay_seconds: float


def tick(ctx: Context, transport: Transport) -> Tick:
    """One pass: dispatch the due posts, relaying the outbox after each committed batch."""
    started = time.perf_counter()
    relayed, relay_seconds = 0, 0.0

    def relay_batch() -> None:
        nonlocal relayed, relay_seconds
        t0 = time.perf_counter()
        relayed += relay(ctx, transport)
        relay_seconds += time.perf_counter() - t0

    dispatched = dispatch_due(ctx, after_batch=relay_batch)
    relay_batch()  # what was queued outside the scheduler (publish now, retries)
    done = Tick(dispatched, relayed, time.perf_counter() - started, relay_seconds)
    if dispatched or relayed:
        log.info("scheduler tick", dispatched=dispatched, relayed=relayed,
                 ms=round(done.seconds * 1000, 1), relay_ms=round(relay_seconds * 1000, 1))
    return done


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
