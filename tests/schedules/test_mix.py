"""The pillar mix: arithmetic on a known calendar, the command, and the warning an approval
gives when it moves its week's planned mix away from the targets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.cli.main import main
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import workflow
from orchestrator.store import channels as channel_rows
from orchestrator.store import posts as post_rows
from schedules import approval
from schedules.mix import mix, mix_view
from tests.fixtures.sandbox import credentials

MONDAY = datetime(2026, 12, 7, 0, 0, tzinfo=UTC) - timedelta(hours=7)  # 00:00 WIB
#: The moves from draft to each status.
PATHS = {
    P.DRAFT: [], P.CANCELLED: [P.CANCELLED],
    P.APPROVED: [P.IN_REVIEW, P.APPROVED],
    P.PUBLISHED: [P.IN_REVIEW, P.APPROVED, P.PUBLISHING, P.PUBLISHED],
    P.PARTIALLY_PUBLISHED: [P.IN_REVIEW, P.APPROVED, P.PUBLISHING, P.PARTIALLY_PUBLISHED],
    P.FAILED: [P.IN_REVIEW, P.APPROVED, P.PUBLISHING, P.FAILED],
}


@pytest.fixture
def office(ctx):
    for name, platform, account in (("x-main", "x", "1001"), ("fb-main", "facebook", "555")):
        channel_admin.add_channel(ctx, name=name, platform=platform, rate_limits=(),
                                  api_base="http://127.0.0.1:9",
                                  credentials=credentials(platform, account))
    ctx.clock = lambda: MONDAY - timedelta(days=1)
    return ctx


def _post(ctx, pillar: str, day: float, status: P, channels=("x-main", "fb-main")) -> int:
    now = ctx.now()
    with ctx.db.write() as conn:
        ids = [channel_rows.by_name(conn, c).id for c in channels]
        post_id = post_rows.insert_post(
            conn, title=f"{pillar} {day}", pillar=pillar, body="Isi", variants={},
            scheduled_at=MONDAY + timedelta(days=day, hours=9), author="editor",
            channel_ids=ids, now=now)
        current = P.DRAFT
        for target in PATHS[status]:
            post_rows.move(conn, post_id, current, target, now)
            current = target
    return post_id


def _known_calendar(ctx) -> None:
    """Planned: informatif 5, interaktif 3, edukasi-hiburan 2 (10); published: 2, 1, 1 (4)."""
    for day, status in enumerate([P.APPROVED, P.APPROVED, P.PUBLISHED, P.PARTIALLY_PUBLISHED,
                                  P.FAILED]):
        _post(ctx, "informatif", day, status)
    for day, status in enumerate([P.APPROVED, P.PUBLISHED, P.APPROVED]):
        _post(ctx, "interaktif", day + 0.5, status, channels=("x-main",))
    _post(ctx, "edukasi-hiburan", 2, P.PUBLISHED)
    _post(ctx, "edukasi-hiburan", 6.5, P.APPROVED)
    # Not planned, or not in the period.
    _post(ctx, "informatif", 3, P.DRAFT)
    _post(ctx, "interaktif", 4, P.CANCELLED)
    _post(ctx, "edukasi-hiburan", 7, P.APPROVED)  # next Monday
    _post(ctx, "informatif", -0.5, P.PUBLISHED)   # the Sunday before


def _rows(found) -> dict:
    return {p["pillar"]: (p["target"], p["planned"], p["published"], p["share"],
                          p["deviation"]) for p in found["pillars"]}


def test_mix_of_a_known_calendar(office):
    _known_calendar(office)
    found = mix_view(mix(office, MONDAY, MONDAY + timedelta(days=7)), office.settings.timezone)
    assert (found["from"], found["to"]) == ("2026-12-07T00:00:00+07:00",
                                            "2026-12-14T00:00:00+07:00")
    assert (found["planned"], found["published"]) == (10, 4)
    assert [p["pillar"] for p in found["pillars"]] == ["informatif", "edukasi-hiburan",
                                                       "interaktif"]
    assert _rows(found) == {
        "informatif": (60.0, 5, 2, {"planned": 50.0, "published": 50.0},
                       {"planned": -10.0, "published": -10.0}),
        "interaktif": (20.0, 3, 1, {"planned": 30.0, "published": 25.0},
                       {"planned": 10.0, "published": 5.0}),
        "edukasi-hiburan": (20.0, 2, 1, {"planned": 20.0, "published": 25.0},
                            {"planned": 0.0, "published": 5.0}),
    }
    # Only the posts to fb-main: the interaktif ones went to x-main alone.
    on_fb = mix_view(mix(office, MONDAY, MONDAY + timedelta(days=7), "fb-main"),
                     office.settings.timezone)
    assert _rows(on_fb)["interaktif"] == (20.0, 0, 0, {"planned": 0.0, "published": 0.0},
                                          {"planned": -20.0, "published": -20.0})
    assert (on_fb["planned"], on_fb["published"]) == (7, 3)


def test_an_empty_period_has_no_shares(office):
    found = mix_view(mix(office, MONDAY + timedelta(days=30)), office.settings.timezone)
    assert found["to"] == "2027-01-13T00:00:00+07:00"  # a week after --from by default
    assert {p["pillar"]: (p["share"], p["deviation"]) for p in found["pillars"]} == {
        name: ({"planned": None, "published": None}, {"planned": None, "published": None})
        for name in ("informatif", "interaktif", "edukasi-hiburan")}


def test_the_default_period_is_the_current_week(office):
    office.clock = lambda: MONDAY + timedelta(days=3, hours=20)  # Thursday evening
    _known_calendar(office)
    found = mix(office)
    assert (found.start, found.end) == (MONDAY, MONDAY + timedelta(days=7))
    assert found.planned == 10


def test_mix_command(office, capsys):
    _known_calendar(office)
    assert main(["mix", "--from", "2026-12-07", "--to", "2026-12-14", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) >= {"from", "to", "pillars"}
    assert set(shown["pillars"][0]) == {"pillar", "target", "planned", "published", "share",
                                        "deviation"}
    assert _rows(shown) == _rows(mix_view(mix(office, MONDAY, MONDAY + timedelta(days=7)),
                                          office.settings.timezone))
    assert main(["mix", "--from", "2026-12-07", "--channel", "x-main"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("mix from 2026-12-07T00:00:00+07:00 to 2026-12-14T00:00:00+07:00: "
                        "10 planned, 4 published")
    assert lines[2].split() == ["informatif", "60", "%", "5", "50.0", "%", "-10.0", "pt", "2",
                                "50.0", "%", "-10.0", "pt"]
    assert main(["mix", "--from", "2026-12-07", "--to", "2026-12-01"]) == 1
    assert capsys.readouterr().err == "siaran: error: --to must be after --from\n"
    assert main(["mix", "--channel", "nope"]) == 1
    assert capsys.readouterr().err == "siaran: error: no channel named 'nope'\n"


def _submitted(ctx, pillar: str, day: float) -> int:
    post_id = workflow.create_post(ctx, title=pillar, text=f"Isi {pillar} {day}",
                                   pillar=pillar, channels=["x-main"],
                                   at=MONDAY + timedelta(days=day, hours=9))
    workflow.submit(ctx, post_id)
    return post_id


def test_approving_warns_when_the_week_moves_away_from_a_target(office):
    for day, pillar in enumerate(["informatif"] * 3 + ["interaktif", "edukasi-hiburan"]):
        _post(office, pillar, day, P.APPROVED, channels=("x-main",))  # 60/20/20 exactly
    extra = _submitted(office, "interaktif", 5)
    warnings = approval.approve(office, extra)
    year, week, _ = MONDAY.astimezone(office.settings.timezone).isocalendar()
    assert [str(w) for w in warnings] == [
        f"post {extra}: the planned mix of week {year}-W{week:02d} moves away from its "
        "targets: interaktif 33 % (target 20 %, +13 points)"]
    with office.db.read() as conn:
        assert post_rows.get(conn, extra).status is P.APPROVED  # a warning does not block
    # 4/2/1 of 7: interaktif +8.6 points, within the limit.
    assert approval.approve(office, _submitted(office, "informatif", 6)) == []
    # Another week, empty so far: its first post moves every pillar off target.
    first = _submitted(office, "edukasi-hiburan", 8)
    assert [str(w) for w in approval.approve(office, first)] == [
        f"post {first}: the planned mix of week {year}-W{week + 1:02d} moves away from its "
        "targets: informatif 0 % (target 60 %, -60 points), edukasi-hiburan 100 % "
        "(target 20 %, +80 points), interaktif 0 % (target 20 %, -20 points)"]


def test_the_approve_command_prints_the_mix_warning(office, capsys):
    for day, pillar in enumerate(["informatif"] * 3 + ["interaktif", "edukasi-hiburan"]):
        _post(office, pillar, day, P.APPROVED, channels=("x-main",))
    extra = _submitted(office, "interaktif", 5)
    assert main(["--user", "kabag", "post", "approve", str(extra)]) == 0
    out, err = capsys.readouterr()
    assert out == f"post {extra}: approved\n"
    assert err.startswith(f"siaran: warning: post {extra}: the planned mix of week ")
    assert err.endswith("interaktif 33 % (target 20 %, +13 points)\n")
