"""What an operator sees after real deliveries against the sandbox: deliveries with their
last and next attempt, instructions never cut off, every audit event, when a post went out."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis

from orchestrator.channels import admin as channel_admin
from orchestrator.cli.main import main
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.reconcile import reconcile
from orchestrator.store import deliveries as rows
from tests.fixtures.sandbox import credentials

ACCOUNTS = {"x": "1001", "telegram": "@setneg"}


def tomorrow() -> str:
    """Tomorrow in the office's zone, YYYY-MM-DD."""
    return (datetime.now(ZoneInfo("Asia/Jakarta")) + timedelta(days=1)).strftime("%Y-%m-%d")


class Office:
    """Channels on the sandbox, the delivery code in this process, the CLI."""

    def __init__(self, ctx, sandbox, redis_url, namespace, capsys):
        self.ctx, self.sandbox, self.capsys = ctx, sandbox, capsys
        self.guards = Guards(redis.Redis.from_url(redis_url), namespace)
        for platform, account in ACCOUNTS.items():
            channel_admin.add_channel(ctx, name=f"humas-{platform}", platform=platform,
                                      api_base=sandbox.url, rate_limits=(),
                                      credentials=credentials(platform, account))

    def publish(self, *channels: str, text: str = "Pengumuman layanan publik.") -> int:
        post_id = workflow.create_post(self.ctx, title="Pengumuman", text=text,
                                        pillar="informatif", channels=list(channels))
        workflow.submit(self.ctx, post_id)
        workflow.approve(self.ctx, post_id)
        publishing.publish_now(self.ctx, post_id)
        return post_id

    def deliveries(self, post_id: int) -> list:
        with self.ctx.db.read() as conn:
            return rows.for_post(conn, post_id)

    def cli(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()  # not the log lines of the delivery code run here
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str):
        code, out, err = self.cli(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def office(ctx, sandbox, redis_url, siaran_env, capsys):
    return Office(ctx, sandbox, redis_url, siaran_env["SIARAN_REDIS_NAMESPACE"], capsys)


def test_the_instruction_to_resolve_by_hand_is_shown_whole(office):
    office.ctx.settings = replace(office.ctx.settings, http_timeout=1.0)
    post_id = office.publish("humas-telegram")
    (delivery,) = office.deliveries(post_id)
    office.sandbox.add_fault("telegram", "commit_then_drop", account="@setneg", count=1)
    assert deliver(office.ctx, delivery.id).status is D.UNKNOWN
    assert reconcile(office.ctx, delivery.id).outcome == "undecided"
    code, out, _ = office.cli("deliveries")
    assert code == 0
    assert "check humas-telegram and resolve this delivery by hand" in out
    error_line = next(line for line in out.splitlines() if "resolve this" in line)
    assert error_line.startswith("    error: ") and not error_line.endswith("...")
    shown = office.cli("post", "show", str(post_id))[1]
    assert "check humas-telegram and resolve this delivery by hand" in shown
    assert "reconciliation" in shown and "undecided" in shown
    assert office.cli("deliveries", "resolve", str(delivery.id), "--published",
                      "--permalink", "https://t.me/setneg/1")[0] == 0
    trail = office.json("audit", "--post", str(post_id))
    assert [e["action"] for e in trail] == ["create", "submit", "approve", "publish_now",
                                            "resolve"]
    assert trail[-1]["entity"] == "delivery" and trail[-1]["entity_id"] == delivery.id


def test_retry_wait_shows_when_the_next_attempt_is_due(office):
    post_id = office.publish("humas-x")
    (delivery,) = office.deliveries(post_id)
    office.sandbox.add_fault("x", "status", account="1001", count=1, status=503)
    outcome = deliver(office.ctx, delivery.id, guards=office.guards)
    assert outcome.status is D.RETRY_WAIT
    (shown,) = office.json("deliveries", "--status", "retry_wait")
    last = datetime.fromisoformat(shown["last_attempt_at"])
    due = datetime.fromisoformat(shown["next_attempt_at"])
    assert due > last and last.utcoffset() == timedelta(hours=7)
    assert abs((due - last).total_seconds() - outcome.retry_in) < 5
    code, out, _ = office.cli("deliveries", "--status", "retry_wait")
    header, row = out.splitlines()[:2]
    assert "LAST_ATTEMPT_AT" in header and "NEXT_ATTEMPT_AT" in header
    assert row.count("WIB") == 2


def test_deliveries_filter_by_channel_post_platform_and_time(office):
    first = office.publish("humas-x", "humas-telegram", text="Satu")
    second = office.publish("humas-telegram", text="Dua")

    def ids(*args: str) -> list[int]:
        return [d["id"] for d in office.json("deliveries", *args)]

    everything = ids()
    assert len(everything) == 3 and everything == sorted(everything, reverse=True)
    assert {d["post_id"] for d in office.json("deliveries", "--channel", "humas-telegram")} \
        == {first, second}
    assert ids("--post", str(first)) == [d.id for d in sorted(
        office.deliveries(first), key=lambda d: -d.id)]
    assert [d["channel"] for d in office.json("deliveries", "--platform", "x")] == ["humas-x"]
    assert len(ids("--limit", "2")) == 2
    assert ids("--since", tomorrow()) == []
    assert len(ids("--since", "2020-01-01 00:00 WIB")) == 3
    code, _, err = office.cli("deliveries", "--channel", "nope")
    assert code == 1 and "no channel named 'nope'" in err


def test_every_event_is_in_the_audit_trail(office):
    office.ctx.settings = replace(office.ctx.settings, http_timeout=1.0)
    post_id = office.publish("humas-x")
    (delivery,) = office.deliveries(post_id)
    office.sandbox.add_fault("x", "commit_then_drop", account="1001", count=1)
    assert deliver(office.ctx, delivery.id).status is D.UNKNOWN
    assert reconcile(office.ctx, delivery.id).outcome == "published"
    failing = office.publish("humas-x", text="Ditolak platform.")
    (refused,) = office.deliveries(failing)
    office.sandbox.add_fault("x", "status", account="1001", count=1, status=403)
    assert deliver(office.ctx, refused.id).status is D.FAILED
    assert office.cli("deliveries", "retry", str(refused.id))[0] == 0
    office.cli("channel", "update", "humas-x", "--rate-limit", "50/1h")
    office.cli("channel", "pause", "humas-x")
    office.cli("channel", "resume", "humas-x")
    actions = [(e["actor"], e["action"]) for e in office.json("audit")]
    for expected in [("editor", "publish_now"), ("reconciliation", "reconcile_published"),
                     ("editor", "retry"), ("editor", "channel_update"),
                     ("editor", "channel_pause"), ("editor", "channel_resume")]:
        assert expected in actions
    by_reconciliation = office.json("audit", "--user", "reconciliation")
    assert [(e["entity"], e["entity_id"]) for e in by_reconciliation] == [
        ("delivery", delivery.id)]
    shown = office.json("post", "show", str(post_id))
    assert [e["action"] for e in shown["deliveries"][0]["audit"]] == ["reconcile_published"]
    text = office.cli("post", "show", str(post_id))[1]
    assert f"reconciliation  reconcile_published delivery {delivery.id}" in text
    channel_trail = office.json("audit", "--channel", "humas-x")
    assert {e["action"] for e in channel_trail} >= {"channel_add", "channel_update",
                                                   "channel_pause", "channel_resume",
                                                   "reconcile_published", "retry"}
    assert office.json("audit", "--since", tomorrow()) == []
    assert len(office.json("audit", "--limit", "2")) == 2
    code, out, _ = office.cli("audit", "--post", str(failing))
    assert code == 0 and f"retry delivery {refused.id}" in out and "WIB" in out


def test_post_show_lists_each_attempt_with_status_kind_and_message(office):
    post_id = office.publish("humas-x")
    (delivery,) = office.deliveries(post_id)
    office.sandbox.add_fault("x", "status", account="1001", count=1, status=503)
    deliver(office.ctx, delivery.id, guards=office.guards)
    code, out, _ = office.cli("post", "show", str(post_id))
    attempts = out.split(f"attempts of delivery {delivery.id} (humas-x):")[1]
    assert "error  HTTP 503  unavailable" in attempts and "WIB" in attempts
    excerpt = office.json("post", "show", str(post_id))["deliveries"][0]["attempt_log"][0]
    assert excerpt["excerpt"] and " ".join(excerpt["excerpt"].split()) in attempts


def test_a_published_post_shows_when_it_went_out(office):
    at = datetime.now(UTC) + timedelta(hours=3)
    post_id = workflow.create_post(office.ctx, title="Terjadwal", text="Terbit lebih awal.",
                                    pillar="informatif", channels=["humas-x"], at=at)
    workflow.submit(office.ctx, post_id)
    workflow.approve(office.ctx, post_id)
    publishing.publish_now(office.ctx, post_id)
    (delivery,) = office.deliveries(post_id)
    assert deliver(office.ctx, delivery.id).status is D.PUBLISHED
    (entry,) = office.json("calendar")
    assert entry["status"] == "published"
    went_out = datetime.fromisoformat(entry["published_at"])
    assert datetime.fromisoformat(entry["scheduled_at"]) - went_out > timedelta(hours=2)
    assert entry["deliveries"][0]["published_at"] == entry["published_at"]
    code, out, _ = office.cli("calendar")
    assert "PUBLISHED_AT" in out.splitlines()[0] and entry["published_at"] in out
