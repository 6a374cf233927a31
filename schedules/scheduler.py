"""The scheduler process: the embargo, series, due-post dispatch, the outbox relay and the
sweeper, in one loop.

Each tick mirrors the embargo in force into Redis (and releases what an ended one held),
writes the occurrences of series that have come within their horizon (bounded), dispatches
due posts and relays the outbox. Safe to run two: dispatch moves each post with a
compare-and-set, a series is extended under a compare-and-set of its count, held
deliveries are released by compare-and-set moves, and a message relayed twice is published
once thanks to the claim guard. It wakes at the next due time (a post, an occurrence to
write, an embargo starting or ending), or every ``SIARAN_TICK_SECONDS`` at the latest; the
sweeper runs every ``SWEEP_EVERY`` seconds. Every pass that completes writes the heartbeat
(:mod:`schedules.heartbeat`) that readiness checks and the watchdog read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import structlog

from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.outbox import relay
from orchestrator.pipeline.sweeper import sweep
from orchestrator.pipeline.transport import Transport
from orchestrator.runtime import metrics
from orchestrator.runtime.context import Context
from schedules import embargo, heartbeat, series
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
    #: Occurrences of series written.
    written: int = 0


def guards_of(ctx: Context, transport: Transport) -> Guards:
    """The guards on the transport's Redis (for the embargo flag)."""
    return Guards(transport.broker.client, ctx.settings.redis_namespace,
                  in_flight_ttl=ctx.settings.claim_timeout)


def tick(ctx: Context, transport: Transport, guards: Guards | None = None) -> Tick:
    """One pass: the embargo, series occurrences, then the due posts, relaying the outbox
    after each committed batch."""
    started = time.perf_counter()
    relayed, relay_seconds = 0, 0.0
    embargo.enforce(ctx, guards or guards_of(ctx, transport))
    written = series.extend_due(ctx)

    def relay_batch() -> None:
        nonlocal relayed, relay_seconds
        t0 = time.perf_counter()
        relayed += relay(ctx, transport)
        relay_seconds += time.perf_counter() - t0

    dispatched = dispatch_due(ctx, after_batch=relay_batch)
    relay_batch()  # what was queued outside the scheduler (publish now, retries)
    done = Tick(dispatched, relayed, time.perf_counter() - started, relay_seconds, written)
    if dispatched or relayed or written:
        log.info("scheduler tick", dispatched=dispatched, relayed=relayed, written=written,
                 ms=round(done.seconds * 1000, 1), relay_ms=round(relay_seconds * 1000, 1))
    return done


def next_wake(ctx: Context) -> datetime | None:
    """The next moment the scheduler has something to do: a post falls due, a series needs
    occurrences written, an embargo starts or ends."""
    found = [t for t in (next_due(ctx), series.next_refill(ctx), embargo.next_change(ctx))
             if t is not None]
    return min(found) if found else None


def run(ctx: Context, transport: Transport, stop: threading.Event) -> None:
    """Tick until ``stop`` is set; errors are logged and the loop goes on."""
    period = ctx.settings.tick_seconds
    log.info("scheduler started", tick_seconds=period)
    last_sweep = 0.0
    guards = guards_of(ctx, transport)
    while not stop.is_set():
        upcoming = None
        try:
            began = time.perf_counter()
            if time.monotonic() - last_sweep >= SWEEP_EVERY:
                sweep(ctx, transport)
                last_sweep = time.monotonic()
            tick(ctx, transport, guards)
            heartbeat.beat(ctx)
            metrics.ticked(time.perf_counter() - began)
            upcoming = next_wake(ctx)
        except Exception:  # noqa: BLE001 - a failing tick must not stop the scheduler
            log.exception("scheduler tick failed")
        wait = period
        if upcoming is not None:
            wait = min(period, max(0.0, (upcoming - ctx.now()).total_seconds()))
        stop.wait(wait)
    log.info("scheduler stopped")
