"""Missed windows: a delivery that would start later than its post's time plus the window is
not published; it is ``missed``, shown with the reason, and only publish-now or an
operator's retry sends it. Real SQLite, real sandbox, a clock the test moves."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from connectors.errors import InvalidTransition
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.main import main
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from schedules.dispatch import dispatch_due
from tests.fixtures.sandbox import credentials


class Office:
    """Two channels on the sandbox and a clock the test moves."""

    def __init__(self, ctx, sandbox):
        self.ctx, self.sandbox = ctx, sandbox
        self.now = ctx.now()
        ctx.clock = lambda: self.now
        for name, platform, account in (("tg", "telegram", "@setneg"),
                                        ("x-main", "x", "1001")):
            channel_admin.add_channel(ctx, name=name, platform=platform, rate_limits=(),
                                      api_base=sandbox.url,
                                      credentials=credentials(platform, account, sandbox.url))

    def approved(self, minutes: float, *, window: float | None = None,
                 channels=("tg", "x-main"), text: str = "Selamat pagi") -> int:
        post_id = workflow.create_post(self.ctx, title="Salam", text=f"{text} {minutes}",
                                       pillar="interaktif", channels=list(channels),
                                       at=self.now + timedelta(minutes=minutes),
                                       missed_after=window)
        workflow.submit(self.ctx, post_id)
        workflow.approve(self.ctx, post_id)
        return post_id

    def later(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)

    def state(self, post_id):
        with self.ctx.db.read() as conn:
            return post_rows.get(conn, post_id).status, rows.for_post(conn, post_id)

    def deliver_all(self, post_id) -> None:
        for delivery in self.state(post_id)[1]:
            deliver(self.ctx, delivery.id)

    def sent(self) -> int:
        return len(self.sandbox.requests("telegram")) + len(self.sandbox.posts("x"))


@pytest.fixture
def office(ctx, sandbox):
    return Office(ctx, sandbox)


def test_a_post_dispatched_after_its_window_is_missed_and_nothing_is_sent(office):
    post_id = office.approved(10, window=30 * 60)
    office.later(10 + 31)  # the scheduler was down past the window
    assert dispatch_due(office.ctx) == 1
    status, deliveries = office.state(post_id)
    assert status is P.MISSED
    assert {d.status for d in deliveries} == {D.MISSED}
    assert all(d.error_kind == "missed_window" and d.error.startswith(
        "missed its window: it had to start by ") and d.error.endswith(", 1m ago")
        for d in deliveries)
    with office.ctx.db.read() as conn:
        assert rows.outbox_batch(conn, 100) == []
    office.deliver_all(post_id)  # a stray message changes nothing
    assert office.sent() == 0


def test_within_the_window_it_goes_out(office):
    post_id = office.approved(10, window=30 * 60)
    office.later(10 + 29)
    dispatch_due(office.ctx)
    office.deliver_all(post_id)
    assert office.state(post_id)[0] is P.PUBLISHED
    assert len(office.sandbox.posts("telegram")) == len(office.sandbox.posts("x")) == 1


def test_the_default_window_is_the_setting(office):
    post_id = office.approved(5)  # no window of its own: SIARAN_MISSED_AFTER, 60 minutes
    office.later(5 + 59)
    dispatch_due(office.ctx)
    assert {d.status for d in office.state(post_id)[1]} == {D.QUEUED}
    office.later(2)  # queued, but the worker comes too late: the claim misses it
    office.deliver_all(post_id)
    status, deliveries = office.state(post_id)
    assert status is P.MISSED and {d.status for d in deliveries} == {D.MISSED}
    assert office.sent() == 0


def test_publish_now_sends_what_missed_its_window(office, capsys):
    post_id = office.approved(10, window=60)
    office.later(30)
    dispatch_due(office.ctx)
    assert main(["deliveries", "--status", "missed", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(d["channel"] for d in listed) == ["tg", "x-main"]
    assert all(d["error"].startswith("missed its window") for d in listed)
    assert main(["calendar"]) == 0
    shown = capsys.readouterr().out
    assert "tg:missed" in shown
    assert f"post {post_id} tg: missed: missed its window: it had to start by " in shown
    assert publishing.publish_now(office.ctx, post_id) == 2
    status, deliveries = office.state(post_id)
    assert status is P.PUBLISHING
    assert all(d.status is D.QUEUED and d.not_after is None for d in deliveries)
    office.later(24 * 60)  # however late: it was asked for
    office.deliver_all(post_id)
    assert office.state(post_id)[0] is P.PUBLISHED
    assert len(office.sandbox.posts("telegram")) == len(office.sandbox.posts("x")) == 1
    with pytest.raises(InvalidTransition):
        publishing.publish_now(office.ctx, post_id)


def test_an_operator_retry_sends_one_missed_delivery(office):
    post_id = office.approved(10, window=60)
    office.later(30)
    dispatch_due(office.ctx)
    tg = next(d for d in office.state(post_id)[1] if d.channel == "tg")
    publishing.retry_delivery(office.ctx, tg.id)
    deliver(office.ctx, tg.id)
    status, deliveries = office.state(post_id)
    assert {d.channel: d.status for d in deliveries} == {"tg": D.PUBLISHED,
                                                         "x-main": D.MISSED}
    assert status is P.PARTIALLY_PUBLISHED
    assert len(office.sandbox.posts("telegram")) == 1 and office.sandbox.posts("x") == []


def test_a_paused_channel_resumed_after_the_window_misses_its_delivery(office):
    post_id = office.approved(10, window=15 * 60)
    channel_admin.pause(office.ctx, "tg")
    office.later(10)
    dispatch_due(office.ctx)
    held = {d.channel: d for d in office.state(post_id)[1]}
    assert held["tg"].status is D.HELD
    deliver(office.ctx, held["x-main"].id)
    office.later(16)
    channel_admin.resume(office.ctx, "tg")
    status, deliveries = office.state(post_id)
    assert {d.channel: d.status for d in deliveries} == {"tg": D.MISSED, "x-main": D.PUBLISHED}
    assert status is P.PARTIALLY_PUBLISHED
    assert office.sandbox.requests("telegram") == []


def test_cancelling_a_missed_post(office):
    post_id = office.approved(10, window=60)
    office.later(30)
    dispatch_due(office.ctx)
    workflow.cancel(office.ctx, post_id)
    status, deliveries = office.state(post_id)
    assert status is P.CANCELLED and {d.status for d in deliveries} == {D.CANCELLED}


def test_the_window_is_given_as_a_duration_on_the_command_line(office, capsys):
    at = (office.now + timedelta(hours=1)).isoformat()
    assert main(["post", "create", "--title", "T", "--text", "Pagi", "--pillar", "informatif",
                 "--channel", "tg", "--at", at, "--missed-after", "90s", "--json"]) == 0
    post_id = json.loads(capsys.readouterr().out)["id"]
    with office.ctx.db.read() as conn:
        assert post_rows.get(conn, post_id).missed_after == 90.0
    assert main(["post", "create", "--title", "T", "--text", "Pagi", "--pillar", "informatif",
                 "--channel", "tg", "--at", at, "--missed-after", "soon"]) == 1
    assert capsys.readouterr().err == (
        "siaran: error: cannot read duration 'soon'; use e.g. 90s, 30m or 2h\n")
