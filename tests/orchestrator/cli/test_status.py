"""``siaran status``: the readiness checks, the embargo and the channels, as text and JSON,
and its exit status."""

from __future__ import annotations

import json

import pytest

from orchestrator.domain.states import ChannelState
from orchestrator.editorial import publishing, workflow
from orchestrator.store import channels as channel_rows
from orchestrator.store.health import head_revision
from schedules import heartbeat
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

CHECKS = ["database", "redis", "scheduler", "queues"]


@pytest.fixture
def cli(ctx, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--user", "admin", *args)
    return run


def test_status_without_a_scheduler_is_not_ready(cli):
    code, out, err = cli("status", "--json")
    shown = json.loads(out)
    assert (code, err) == (1, "")
    assert shown["ready"] is False
    assert [c["name"] for c in shown["checks"]] == CHECKS
    checks = {c["name"]: c for c in shown["checks"]}
    assert checks["scheduler"] == {"name": "scheduler", "ok": False, "age": None,
                                   "detail": "no scheduler has ever run"}
    assert checks["database"]["ok"] and checks["redis"]["ok"] and checks["queues"]["ok"]
    assert shown["embargo"]["embargo"] is None and shown["channels"] == []
    code, out, _ = cli("status")
    assert code == 1
    assert out.splitlines()[:3] == ["NOT READY",
                                    "  ok    database   reachable, schema at migration "
                                    + head_revision(),
                                    "  ok    redis      reachable"]
    assert "  FAIL  scheduler  no scheduler has ever run" in out.splitlines()
    assert "no embargo in force: publishing" in out.splitlines()


def test_status_shows_channel_states_and_held_deliveries(cli, ctx):
    cli("channel", "add", "tg", "--platform", "telegram", *credential_args("telegram"))
    cli("channel", "add", "x", "--platform", "x", *credential_args("x"))
    cli("channel", "pause", "x")
    with ctx.db.write() as conn:
        channel = channel_rows.by_name(conn, "tg")
        channel_rows.move(conn, channel.id, ChannelState.ACTIVE, ChannelState.NEEDS_REAUTH)
    post_id = workflow.create_post(ctx, title="T", text="Halo", pillar="informatif",
                                   channels=["tg", "x"])
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    publishing.publish_now(ctx, post_id)
    heartbeat.beat(ctx)
    code, out, _ = cli("status", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["ready"] is True
    assert shown["channels"] == [
        {"name": "tg", "platform": "telegram", "state": "needs_reauth", "held": 1},
        {"name": "x", "platform": "x", "state": "paused", "held": 1}]
    code, out, _ = cli("status")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "ready"
    assert lines[-3:] == ["NAME  PLATFORM  STATE         HELD",
                          "tg    telegram  needs_reauth  1",
                          "x     x         paused        1"]
