"""The daily digest: yesterday's published, failed and missed deliveries, the posts
waiting for review, and the mix against its targets; sent once, to opted-in targets only."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time, timedelta

from ops.alerts import digest, targets, watch
from orchestrator.channels import admin as channel_admin
from orchestrator.editorial import workflow
from tests.fixtures.alerts import WEBHOOK_SECRET, alerting, publish_in_process
from tests.fixtures.sandbox import credentials


def test_the_digest_of_yesterday(ctx, sandbox, webhook_receiver, dead_port):
    ctx = alerting(ctx, group_wait=0, public_url="https://siaran.example.go.id")
    targets.add_target(ctx, "daily", targets.TargetSpec(
        kind="webhook", url=webhook_receiver.url, secret=WEBHOOK_SECRET, digest=True))
    channel_admin.add_channel(ctx, name="x-main", platform="x", api_base=sandbox.url,
                              rate_limits=(), credentials=credentials("x", "1001"))
    publish_in_process(ctx, "x-main", 3, "Terbit", scheduled=True)
    sandbox.add_fault("x", "status", account="1001", status=400, count=1)
    publish_in_process(ctx, "x-main", 1, "Gagal")
    waiting = workflow.create_post(ctx, title="Menunggu", text="Menunggu tinjauan",
                                   pillar="informatif", channels=["x-main"])
    workflow.submit(ctx, waiting)

    today = ctx.now().astimezone(ctx.settings.timezone).date()
    too_early = datetime.combine(today + timedelta(days=1), time(6, 59),
                                 tzinfo=ctx.settings.timezone)
    assert digest.send_due(replace(ctx, clock=lambda: too_early)) == 0
    morning = too_early + timedelta(minutes=2)
    next_day = replace(ctx, clock=lambda: morning)
    # Only the opted-in target gets it (this other one has no --digest).
    targets.add_target(ctx, "alerts-only", targets.TargetSpec(
        kind="webhook", url=dead_port, secret=WEBHOOK_SECRET))
    assert digest.send_due(next_day) == 1
    assert digest.send_due(next_day) == 0  # once a day
    watch.run_once(next_day)
    digests = [json.loads(r.body) for r in webhook_receiver.received
               if json.loads(r.body)["event"] == "digest"]
    (sent,) = digests
    assert sent["day"] == today.isoformat()
    assert sent["figures"] == {"published": 3, "failed": 1, "missed": 0, "unknown": 0,
                               "pending_review": 1}
    informatif = next(p for p in sent["mix"] if p["pillar"] == "informatif")
    assert (informatif["published"], informatif["share"], informatif["target"]) == (3, 100.0,
                                                                                    60.0)
    text = sent["text"]
    assert "Deliveries published: 3" in text and "Deliveries failed: 1" in text
    assert "Posts waiting for review now: 1" in text
    assert "informatif: 100% of 3 published (target 60%)" in text
    assert "https://siaran.example.go.id/deliveries?status=failed" in text
