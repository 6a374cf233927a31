"""The engagement report adds up, growth over a period, and both from the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from ops.engagement import audience, pull, report
from orchestrator.store import engagement as rows
from tests.fixtures.services import run_cli
from tests.ops.engagement.helpers import add_channels, publish

DAY = 86_400


def test_the_pillar_report_adds_up_from_each_posts_latest_snapshot(ctx, sandbox):
    add_channels(ctx, sandbox, ["x", "facebook", "telegram"])
    info = [publish(ctx, ["x", "facebook"]), publish(ctx, ["x", "telegram"])]
    fun = publish(ctx, ["facebook"], pillar="interaktif")
    sandbox.state.advance(3600)
    pull.pull_now(ctx)
    sandbox.state.advance(7200)
    pull.pull_now(ctx)  # the later readings are the ones that count
    found = report.engagement_report(ctx, by="pillar")
    with ctx.db.read() as conn:
        latest = rows.latest(conn, None, None)
    assert len(latest) == 5
    groups = {g["pillar"]: g for g in found["groups"]}
    for pillar, posts in (("informatif", info), ("interaktif", [fun])):
        mine = [r for r in latest if r["post_id"] in posts]
        g = groups[pillar]
        assert g["posts"] == len(posts) and g["deliveries"] == len(mine)
        for name in ("views", "reactions", "comments", "shares"):
            assert g["totals"][name] == sum(r[name] for r in mine if r[name] is not None)
            assert g["average"][name] == round(g["totals"][name] / len(posts), 2)
        assert g["totals"]["interactions"] == sum(
            g["totals"][n] for n in ("reactions", "comments", "shares", "saves")
            if g["totals"][n] is not None)
    assert groups["informatif"]["share"] == round(100 * 2 / 3, 2)
    assert groups["informatif"]["target"] > 0
    assert found["total"]["posts"] == 3
    by_channel = {g["channel"]: g for g in report.engagement_report(ctx, by="channel")["groups"]}
    assert by_channel["tg-main"]["totals"]["views"] is None  # n/a, never 0
    assert by_channel["x-main"]["posts"] == 2


def test_growth_over_a_period(ctx, sandbox):
    add_channels(ctx, sandbox, ["x", "telegram", "wordpress"])
    start = ctx.now()
    for day in range(3):
        moment = start + timedelta(days=day)
        assert audience.snapshot(replace(ctx, clock=lambda m=moment: m))
        sandbox.state.advance(DAY)
    assert audience.snapshot(replace(ctx, clock=lambda: start + timedelta(days=2))) == {}
    end = start + timedelta(days=3)
    found = report.growth_report(replace(ctx, clock=lambda: end))
    channels = {c["channel"]: c for c in found["channels"]}
    x = channels["x-main"]
    assert x["days"] == 3 and x["growth"] == 2 * 24  # the sandbox's 24 a day
    assert x["last"]["followers"] - x["first"]["followers"] == x["growth"]
    assert channels["tg-main"]["growth"] == 48
    assert channels["web-main"]["growth"] is None and channels["web-main"]["first"][
        "followers"] is None


def test_cli_pull_reports_and_json(ctx, sandbox, capsys):
    add_channels(ctx, sandbox, ["x", "telegram"])
    post_id = publish(ctx, ["x", "telegram"])
    sandbox.state.advance(3600)
    code, out, err = run_cli(capsys, "engagement", "pull", "--post", str(post_id))
    assert code == 0 and "read 2 posts" in out, err
    code, out, _ = run_cli(capsys, "engagement", "pull", "--json")
    assert code == 0 and json.loads(out)["read"] == 2
    code, out, _ = run_cli(capsys, "report", "engagement")
    assert code == 0 and "informatif" in out and "AVG_VIEWS" in out
    code, out, _ = run_cli(capsys, "report", "engagement", "--by", "channel")
    assert code == 0 and "n/a" in out.split("tg-main")[1].splitlines()[0]
    code, out, _ = run_cli(capsys, "report", "engagement", "--by", "post", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["by"] == "post" and doc["groups"][0]["post"] == post_id
    assert doc["groups"][0]["totals"]["views"] > 0
    audience.snapshot(ctx)
    code, out, _ = run_cli(capsys, "report", "growth", "--json")
    assert code == 0 and {c["channel"] for c in json.loads(out)["channels"]} == {
        "x-main", "tg-main"}
    code, out, _ = run_cli(capsys, "report", "growth")
    assert code == 0 and "x-main" in out and "+0" in out
    code, _, err = run_cli(capsys, "report", "engagement", "--from", "2026-12-02", "--to",
                           "2026-12-01")
    assert code == 1 and "must end after" in err
