"""An embargo's start and its end are each told once."""

from __future__ import annotations

import json

from ops.alerts import targets, watch
from schedules import embargo
from tests.fixtures.alerts import WEBHOOK_SECRET, alerting


def test_embargo_start_and_end(ctx, webhook_receiver):
    ctx = alerting(ctx, group_wait=0)
    targets.add_target(ctx, "ops-hook", targets.TargetSpec(
        kind="webhook", url=webhook_receiver.url, secret=WEBHOOK_SECRET))
    embargo.pause_all(ctx, "Masa tenang pemilu")
    watch.run_once(ctx, started=ctx.now())
    watch.run_once(ctx, started=ctx.now())
    embargo.resume_all(ctx)
    watch.run_once(ctx, started=ctx.now())
    watch.run_once(ctx, started=ctx.now())
    told = [json.loads(r.body) for r in webhook_receiver.received]
    assert [a["event"] for a in told] == ["embargo_started", "embargo_ended"]
    assert "Masa tenang pemilu" in told[0]["reason"]
    assert "until lifted" in told[0]["reason"]
    assert "lifted by editor" in told[1]["reason"]
