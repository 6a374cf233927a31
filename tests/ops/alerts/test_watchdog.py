"""The scheduler watchdog: the watcher reads the scheduler's heartbeat, so a stopped
scheduler is reported by a process that does not depend on it."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

from ops.alerts import targets, watch
from orchestrator.cli.processes import run_scheduler
from schedules import heartbeat
from tests.fixtures.alerts import WEBHOOK_SECRET, alerting


def _events(receiver) -> list[str]:
    import json

    return [json.loads(r.body)["event"] for r in receiver.received]


def test_the_watchdog_fires_when_the_scheduler_stops(ctx, webhook_receiver):
    ctx = alerting(replace(ctx, settings=replace(ctx.settings, scheduler_stale=1.0)),
                   group_wait=0)
    targets.add_target(ctx, "ops-hook", targets.TargetSpec(
        kind="webhook", url=webhook_receiver.url, secret=WEBHOOK_SECRET))
    stop = threading.Event()
    scheduler = threading.Thread(target=run_scheduler, args=(ctx.settings, stop), daemon=True)
    scheduler.start()
    deadline = time.monotonic() + 20
    while heartbeat.last(ctx) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heartbeat.last(ctx) is not None
    watch.run_once(ctx, started=ctx.now())
    assert _events(webhook_receiver) == []  # it beats: nothing to say

    stop.set()
    scheduler.join(timeout=10)
    silent_at = heartbeat.last(ctx)[0] + timedelta(seconds=2)
    later = replace(ctx, clock=lambda: silent_at)
    watch.run_once(later, started=ctx.now())
    assert _events(webhook_receiver) == ["scheduler_silent"]
    import json
    alert = json.loads(webhook_receiver.received[0].body)
    assert "last reported 2 s ago" in alert["reason"]


def test_a_scheduler_never_seen_is_silent_once_the_watcher_has_waited(ctx, webhook_receiver):
    ctx = alerting(ctx, group_wait=0)
    targets.add_target(ctx, "ops-hook", targets.TargetSpec(
        kind="webhook", url=webhook_receiver.url, secret=WEBHOOK_SECRET))
    started = ctx.now()
    watch.run_once(ctx, started=started)
    assert _events(webhook_receiver) == []
    after = started + timedelta(seconds=ctx.settings.scheduler_stale + 1)
    watch.run_once(replace(ctx, clock=lambda: after), started=started)
    assert _events(webhook_receiver) == ["scheduler_silent"]
