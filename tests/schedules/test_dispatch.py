"""Due-post dispatch and the scheduler tick, on a real SQLite file and a real Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import workflow
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.transport import Transport
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from schedules.dispatch import dispatch_due
from schedules.scheduler import tick
from tests.fixtures.sandbox import credentials

CHANNELS = {"x-main": ("x", "1001"), "fb-main": ("facebook", "555")}


@pytest.fixture
def calendar(ctx):
    """Two channels and a clock the test moves."""
    for name, (platform, account) in CHANNELS.items():
        channel_admin.add_channel(ctx, name=name, platform=platform, rate_limits=(),
                                  api_base="http://127.0.0.1:9",
                                  credentials=credentials(platform, account,
                                                          "http://127.0.0.1:9"))
    start = ctx.now()
    ctx.clock = lambda: start
    return ctx


def _approved(ctx, minutes: float, channels=("x-main", "fb-main")) -> int:
    at = ctx.now() + timedelta(minutes=minutes)
    post_id = workflow.create_post(ctx, title="T", text=f"Kabar {minutes}", pillar="informatif",
                                    channels=list(channels), at=at)
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    return post_id


def _later(ctx, minutes: float) -> None:
    then = ctx.now() + timedelta(minutes=minutes)
    ctx.clock = lambda: then


def _state(ctx, post_id):
    with ctx.db.read() as conn:
        return post_rows.get(conn, post_id).status, rows.for_post(conn, post_id)


def _outbox(ctx) -> list[int]:
    with ctx.db.read() as conn:
        return [d for _, d, _ in rows.outbox_batch(conn, 10_000)]


def test_only_due_posts_start_and_their_deliveries_reach_the_outbox(calendar):
    due, future = _approved(calendar, 5), _approved(calendar, 60)
    _later(calendar, 10)
    assert dispatch_due(calendar) == 1
    status, deliveries = _state(calendar, due)
    assert status is P.PUBLISHING and {d.status for d in deliveries} == {D.QUEUED}
    assert sorted(_outbox(calendar)) == sorted(d.id for d in deliveries)
    assert _state(calendar, future)[0] is P.APPROVED
    assert dispatch_due(calendar) == 0  # nothing is dispatched twice


def test_a_paused_channel_holds_its_delivery_and_queues_the_rest(calendar):
    post_id = _approved(calendar, 5)
    channel_admin.pause(calendar, "fb-main")
    _later(calendar, 10)
    dispatch_due(calendar)
    _, deliveries = _state(calendar, post_id)
    by_channel = {d.channel: d for d in deliveries}
    assert by_channel["fb-main"].status is D.HELD
    assert by_channel["fb-main"].error == "channel fb-main is paused"
    assert by_channel["x-main"].status is D.QUEUED
    assert _outbox(calendar) == [by_channel["x-main"].id]


def test_each_committed_batch_is_handed_on_before_the_next(calendar):
    posts = [_approved(calendar, 5 + i) for i in range(5)]
    _later(calendar, 30)
    seen: list[int] = []
    assert dispatch_due(calendar, batch=2, after_batch=lambda: seen.append(len(_outbox(calendar))))
    assert seen == [4, 8, 10]  # two 2-channel posts per batch, visible after each commit
    assert all(_state(calendar, p)[0] is P.PUBLISHING for p in posts)


def test_a_tick_relays_every_dispatched_delivery_to_redis(calendar, siaran_env):
    posts = [_approved(calendar, 5 + i) for i in range(3)]
    _later(calendar, 30)
    broker = make_broker(siaran_env["SIARAN_REDIS_URL"], siaran_env["SIARAN_REDIS_NAMESPACE"])
    transport = Transport(broker)
    try:
        done = tick(calendar, transport)
        assert (done.dispatched, done.relayed) == (3, 6)
        assert _outbox(calendar) == []
        deliveries = [d for p in posts for d in _state(calendar, p)[1]]
        assert all(d.transport_id for d in deliveries)
        alive = transport.alive([(f"publish.{d.platform}", d.transport_id) for d in deliveries])
        assert alive == [True] * 6
    finally:
        transport.close()
