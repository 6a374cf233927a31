"""A channel whose credential the platform refuses: a signed webhook alert reaches a real
local HTTP receiver, which verifies it with the shared secret; 20 failures on one channel
within a minute are one message with the count."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta

from ops.alerts import signing, targets, watch
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import ChannelState
from orchestrator.store import alert_events
from tests.fixtures.alerts import WEBHOOK_SECRET, alerting, publish_in_process
from tests.fixtures.sandbox import credentials, secrets_of


def _webhook(ctx, url: str, name: str = "ops-hook") -> None:
    targets.add_target(ctx, name, targets.TargetSpec(kind="webhook", url=url,
                                                     secret=WEBHOOK_SECRET))


def _verified(received) -> dict:
    """The receiver's side: the signature over timestamp and raw body, then the JSON."""
    assert signing.verify(WEBHOOK_SECRET, received.headers.get(signing.TIMESTAMP),
                          received.headers.get(signing.SIGNATURE), received.body, time.time())
    return json.loads(received.body)


def test_a_refused_credential_sends_a_signed_webhook(ctx, sandbox, webhook_receiver):
    ctx = alerting(ctx, group_wait=0, public_url="https://siaran.example.go.id")
    wrong = {**credentials("telegram", "@setneg"), "bot_token": "999:SECRET-wrong-token"}
    channel_admin.add_channel(ctx, name="tg-setneg", platform="telegram",
                              api_base=sandbox.url, credentials=wrong)
    _webhook(ctx, webhook_receiver.url)
    (post_id,) = publish_in_process(ctx, "tg-setneg", 1)
    assert channel_admin.get_channel(ctx, "tg-setneg").state is ChannelState.NEEDS_REAUTH

    done = watch.run_once(ctx)
    assert [a.outcome for a in done] == ["sent", "sent"]
    by_event = {_verified(r)["event"]: r for r in webhook_receiver.received}
    assert set(by_event) == {"channel_needs_reauth", "delivery_failed"}
    failed = _verified(by_event["delivery_failed"])
    assert failed["posts"] == [post_id] and failed["channel"] == "tg-setneg"
    assert failed["link"] == f"https://siaran.example.go.id/posts/{post_id}"
    assert "Unauthorized" in failed["reason"]
    received = by_event["channel_needs_reauth"]
    alert = _verified(received)
    assert alert["channel"] == "tg-setneg"
    assert alert["link"] == "https://siaran.example.go.id/channels"
    assert "re-authorises" in alert["reason"]
    assert received.headers[signing.EVENT] == "channel_needs_reauth"
    # A tampered body or a replayed old timestamp does not verify.
    assert not signing.verify(WEBHOOK_SECRET, received.headers[signing.TIMESTAMP],
                              received.headers[signing.SIGNATURE],
                              received.body.replace(b"tg-setneg", b"tg-other"), time.time())
    assert not signing.verify(WEBHOOK_SECRET, received.headers[signing.TIMESTAMP],
                              received.headers[signing.SIGNATURE], received.body,
                              time.time() + 3600)
    # Recorded: what, to whom, outcome, attempts; the secret nowhere.
    with ctx.db.read() as conn:
        sent = alert_events.sends(conn)
    assert {(s.event, s.outcome, s.attempts, s.recipient) for s in sent} == {
        (e, "sent", 1, webhook_receiver.url) for e in by_event}
    assert all(WEBHOOK_SECRET not in r.body.decode() for r in webhook_receiver.received)
    assert all("SECRET-wrong-token" not in r.body.decode() for r in webhook_receiver.received)
    # Still so: no second message within the re-notify interval.
    assert watch.run_once(ctx) == []
    assert len(webhook_receiver.received) == 2


def test_twenty_failures_on_one_channel_are_one_alert_with_the_count(
        ctx, sandbox, webhook_receiver):
    ctx = alerting(ctx, group_wait=0)
    channel_admin.add_channel(ctx, name="x-main", platform="x", api_base=sandbox.url,
                              rate_limits=(), credentials=credentials("x", "1001"))
    _webhook(ctx, webhook_receiver.url)
    sandbox.add_fault("x", "status", account="1001", status=400)
    started = ctx.now()
    post_ids = publish_in_process(ctx, "x-main", 20, "Gagal")
    assert (ctx.now() - started) < timedelta(minutes=1)

    watch.run_once(ctx)
    (received,) = webhook_receiver.received
    alert = _verified(received)
    assert (alert["event"], alert["count"], alert["channel"]) == ("delivery_failed", 20,
                                                                  "x-main")
    assert alert["posts"] == post_ids[-10:]
    assert "(×20)" in alert["title"] and "20 times" in alert["text"]

    # Five more within the re-notify interval: counted, not sent; after it, one message
    # with the five.
    publish_in_process(ctx, "x-main", 5, "Gagal lagi")
    watch.run_once(ctx)
    assert len(webhook_receiver.received) == 1
    later = ctx.now() + timedelta(seconds=ctx.settings.alerts.renotify + 1)
    watch.run_once(replace(ctx, clock=lambda: later))
    assert [_verified(r)["count"] for r in webhook_receiver.received] == [20, 5]
    for secret in secrets_of("x"):
        assert all(secret not in r.body.decode() for r in webhook_receiver.received)
