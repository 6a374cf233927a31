"""Calendar views: which posts a period holds, in what order, with each delivery's state,
times shown in the office's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing, workflow
from orchestrator.store import deliveries as rows
from schedules.calendar import calendar
from tests.fixtures.sandbox import credentials

NINE_WIB = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta


@pytest.fixture
def office(ctx):
    """Two channels, and a clock set to the Sunday before NINE_WIB."""
    for name, platform, account in (("x-main", "x", "1001"), ("fb-main", "facebook", "555")):
        channel_admin.add_channel(ctx, name=name, platform=platform, rate_limits=(),
                                  api_base="http://127.0.0.1:9",
                                  credentials=credentials(platform, account,
                                                          "http://127.0.0.1:9"))
    ctx.clock = lambda: NINE_WIB - timedelta(days=1)
    return ctx


def _post(ctx, title: str, at: datetime | None, channels=("x-main", "fb-main")) -> int:
    return workflow.create_post(ctx, title=title, text=f"Isi {title}", pillar="informatif",
                                channels=list(channels), at=at)


def test_a_period_holds_posts_from_its_start_up_to_not_including_its_end(office):
    before = _post(office, "sebelum", NINE_WIB - timedelta(seconds=1))
    first = _post(office, "awal", NINE_WIB)
    last = _post(office, "akhir", NINE_WIB + timedelta(hours=23, minutes=59))
    _post(office, "besok", NINE_WIB + timedelta(days=1))
    _post(office, "tanpa waktu", None)
    shown = calendar(office, NINE_WIB, NINE_WIB + timedelta(days=1))
    assert [p["id"] for p in shown] == [first, last]
    assert before not in [p["id"] for p in shown]


def test_without_bounds_every_post_is_shown_in_time_order_unscheduled_last(office):
    unscheduled = _post(office, "tanpa waktu", None)
    late = _post(office, "siang", NINE_WIB + timedelta(hours=3))
    early = _post(office, "pagi", NINE_WIB)
    assert [p["id"] for p in calendar(office, None, None)] == [early, late, unscheduled]


def test_times_are_shown_in_the_office_zone(office):
    _post(office, "pagi", NINE_WIB)
    (shown,) = calendar(office, None, None)
    assert shown["scheduled_at"] == "2026-12-07T09:00:00+07:00"


def test_each_post_carries_the_state_of_every_delivery(office):
    post_id = _post(office, "terbit", NINE_WIB)
    workflow.submit(office, post_id)
    workflow.approve(office, post_id)
    publishing.publish_now(office, post_id)
    with office.db.write() as conn:
        x, fb = sorted(rows.for_post(conn, post_id), key=lambda d: d.channel)[::-1]
        rows.move(conn, fb.id, [D.QUEUED], D.CANCELLED, office.now())
    (shown,) = calendar(office, None, None)
    assert shown["status"] == "publishing"
    states = {d["channel"]: d["status"] for d in shown["deliveries"]}
    assert states == {"x-main": "queued", "fb-main": "cancelled"}
    assert sorted(shown["channels"]) == ["fb-main", "x-main"]


def test_an_empty_period_is_an_empty_list(office):
    _post(office, "pagi", NINE_WIB)
    assert calendar(office, NINE_WIB + timedelta(days=30), NINE_WIB + timedelta(days=31)) == []


def test_posts_with_a_delivery_in_given_states_on_a_channel(office):
    failing = _post(office, "gagal", NINE_WIB)
    fine = _post(office, "lancar", NINE_WIB + timedelta(hours=1))
    for post_id in (failing, fine):
        workflow.submit(office, post_id)
        workflow.approve(office, post_id)
    with office.db.write() as conn:
        x_delivery = next(d for d in rows.for_post(conn, failing) if d.channel == "x-main")
        rows.move(conn, x_delivery.id, [D.PENDING], D.HELD, office.now(), error="jeda")
    period = (NINE_WIB, NINE_WIB + timedelta(days=1))
    assert [p["id"] for p in calendar(office, *period, delivery_status={D.HELD})] == [failing]
    assert [p["id"] for p in calendar(office, *period, channel="x-main",
                                      delivery_status={D.HELD, D.FAILED})] == [failing]
    assert calendar(office, *period, channel="fb-main", delivery_status={D.HELD}) == []
    assert [p["id"] for p in calendar(office, *period, delivery_status={D.PENDING})] == [
        failing, fine]
