"""The scheduler's heartbeat: written on every pass of the loop, read by age."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.transport import Transport
from schedules import heartbeat
from schedules.scheduler import run


def test_no_heartbeat_before_a_scheduler_ran(ctx):
    assert heartbeat.last(ctx) is None
    assert heartbeat.age_seconds(ctx) is None


def test_the_loop_beats_on_every_pass_and_the_age_follows_the_clock(ctx):
    transport = Transport(make_broker(ctx.settings.redis_url, ctx.settings.redis_namespace))
    stop = threading.Event()
    start = ctx.now()
    ctx.clock = lambda: start
    loop = threading.Thread(target=run, args=(ctx, transport, stop), daemon=True)
    loop.start()
    try:
        for _ in range(200):
            if heartbeat.last(ctx) is not None:
                break
            stop.wait(0.05)
        at, who = heartbeat.last(ctx)
        assert at == start
        assert who.endswith(f":{os.getpid()}")
        later = start + timedelta(seconds=42)
        ctx.clock = lambda: later
        # the loop writes again on its next pass (SIARAN_TICK_SECONDS is short in tests)
        for _ in range(200):
            if heartbeat.last(ctx)[0] == later:
                break
            stop.wait(0.05)
        assert heartbeat.last(ctx)[0] == later
        assert heartbeat.age_seconds(ctx) == 0
    finally:
        stop.set()
        loop.join(10)
    ctx.clock = lambda: later + timedelta(seconds=31)
    assert heartbeat.age_seconds(ctx) == 31
