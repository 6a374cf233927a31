"""The walking skeleton end to end: approved posts reach X and a Facebook Page."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.transport import Transport

X_ACCOUNT, FB_PAGE = "1001", "555"


@pytest.fixture(scope="module", autouse=True)
def channels(system):
    system.add_channel("x-setneg", "x", X_ACCOUNT)
    system.add_channel("fb-setneg", "facebook", FB_PAGE)
    system.add_channel("x-humas", "x", "1002")
    system.add_channel("fb-humas", "facebook", "556")


def _held(sandbox, platform: str, account: str, text: str) -> list:
    return [p for p in sandbox.posts(platform, account) if p.text == text]


def _assert_published_once(sandbox, shown: dict, text: str) -> None:
    assert shown["status"] == "published", shown
    for d in shown["deliveries"]:
        assert d["status"] == "published", d
        assert d["external_id"] and d["permalink"], d
        assert d["attempts"] == 1
    assert len(_held(sandbox, "x", X_ACCOUNT, text)) == 1
    assert len(_held(sandbox, "facebook", FB_PAGE, text)) == 1


def test_scheduled_post_publishes_once_on_both_channels(system, sandbox):
    # far enough ahead that the three commands before the check finish on a busy machine
    at = (datetime.now(UTC) + timedelta(seconds=25)).isoformat()
    text = "Jadwal layanan publik akhir pekan diperpanjang."
    post_id = system.approved_post("x-setneg", "fb-setneg", at=at, text=text)
    assert system.json("post", "show", str(post_id))["status"] == "approved"
    assert _held(sandbox, "x", X_ACCOUNT, text) == []
    shown = system.wait_finished(post_id, timeout=60)
    _assert_published_once(sandbox, shown, text)
    x = next(d for d in shown["deliveries"] if d["platform"] == "x")
    assert x["permalink"] == f"https://x.com/setneg/status/{x['external_id']}"
    published_at = _held(sandbox, "x", X_ACCOUNT, text)[0].time
    assert published_at >= datetime.fromisoformat(at).timestamp() - 0.01


def test_publish_now_of_an_unscheduled_post(system, sandbox):
    text = "Siaran pers segera: libur nasional."
    post_id = system.approved_post("x-setneg", "fb-setneg", text=text)
    assert system.json("post", "show", str(post_id))["scheduled_at"] is None
    assert system.json("post", "publish-now", str(post_id))["status"] == "publishing"
    _assert_published_once(sandbox, system.wait_finished(post_id), text)


def test_the_same_message_twice_publishes_once(system, sandbox):
    text = "Pesan ganda harus terbit sekali."
    post_id = system.approved_post("x-setneg", text=text)
    system.cli("post", "publish-now", str(post_id))
    shown = system.wait_finished(post_id)
    delivery_id = shown["deliveries"][0]["id"]
    transport = Transport(make_broker(system.redis_url, system.env["SIARAN_REDIS_NAMESPACE"]))
    transport.send(delivery_id, "publish.x")
    transport.send(delivery_id, "publish.x")
    transport.close()
    time.sleep(2)
    assert len(_held(sandbox, "x", X_ACCOUNT, text)) == 1
    again = system.json("post", "show", str(post_id))
    assert again["deliveries"][0]["attempts"] == 1


def test_expired_token_fails_one_channel_and_the_other_still_publishes(system, sandbox):
    sandbox.add_fault("facebook", "status", account=FB_PAGE, code=190)
    text = "Token kedaluwarsa di Facebook."
    post_id = system.approved_post("x-setneg", "fb-setneg", text=text)
    system.cli("post", "publish-now", str(post_id))
    shown = system.wait_finished(post_id)
    assert shown["status"] == "partially_published"
    fb = next(d for d in shown["deliveries"] if d["platform"] == "facebook")
    x = next(d for d in shown["deliveries"] if d["platform"] == "x")
    assert x["status"] == "published"
    assert fb["status"] == "failed" and fb["error_kind"] == "auth_expired"
    assert "190" in fb["error"] or "access token" in fb["error"].lower()
    failed = system.json("deliveries", "--status", "failed")
    assert fb["id"] in [d["id"] for d in failed]
    assert _held(sandbox, "facebook", FB_PAGE, text) == []
    assert "pt-555" not in str(shown)


def test_x_401_fails_with_its_reason(system, sandbox):
    sandbox.add_fault("x", "status", account="1002", status=401)
    post_id = system.approved_post("x-humas", "fb-humas")
    system.cli("post", "publish-now", str(post_id))
    shown = system.wait_finished(post_id)
    x = next(d for d in shown["deliveries"] if d["platform"] == "x")
    assert x["status"] == "failed" and x["error_kind"] == "auth_expired"
    assert shown["status"] == "partially_published"
    log = system.json("post", "show", str(post_id))["deliveries"]
    attempt = next(d for d in log if d["platform"] == "x")["attempt_log"][0]
    assert attempt["http_status"] == 401 and "Unauthorized" in attempt["excerpt"]
    assert "SECRET" not in str(log)


def test_a_post_that_is_not_approved_is_never_published(system, sandbox):
    transport = Transport(make_broker(system.redis_url, system.env["SIARAN_REDIS_NAMESPACE"]))
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    waiting = system.approved_post("x-setneg", at=future, text="Belum waktunya terbit.")
    cancelled = system.approved_post("x-setneg", at=future, text="Dibatalkan.")
    system.cli("post", "cancel", str(cancelled))
    draft = system.json("post", "create", "--title", "Draf", "--text", "Masih draf.",
                        "--pillar", "informatif", "--channel", "x-setneg")["id"]
    ids = [d["id"] for p in (waiting, cancelled)
           for d in system.json("post", "show", str(p))["deliveries"]]
    for delivery_id in [*ids, 999_999]:
        transport.send(delivery_id, "publish.x")
    transport.close()
    time.sleep(2)
    assert sandbox.posts("x") == []
    assert system.json("post", "show", str(waiting))["status"] == "approved"
    assert system.json("post", "show", str(cancelled))["status"] == "cancelled"
    assert system.json("post", "show", str(draft))["status"] == "draft"


def test_logs_are_json_lines_with_context_and_no_credentials(system, sandbox):
    lines = (system.root / "worker.log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    assert any(r.get("logger", "").startswith("dramatiq") for r in records)
    published = [r for r in records if r["event"] == "delivery published"]
    assert published
    for r in published:
        assert {"post_id", "delivery_id", "channel", "platform", "message_id"} <= r.keys()
    everything = "\n".join(lines)
    for secret in ("SECRET-", "pt-555", "ats\"", "\"cs\""):
        assert secret not in everything
