"""The sweeper on real Redis, a real database and the sandbox, with a movable clock: stale
claims become unknown, lost messages are sent again, undecided outcomes are reconciled."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import redis

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline import outbox, sweeper
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.transport import Transport
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import clear_namespace

ACCOUNTS = {"x": "1001", "telegram": "@setneg"}
DEAD_WORKER = "worker-host:4242"


class Yard:
    """Channels on the sandbox, a movable clock, the real transport on the test's Redis."""

    def __init__(self, ctx, sandbox, redis_url: str, namespace: str) -> None:
        self.ctx, self.sandbox = ctx, sandbox
        self.redis_url, self.namespace = redis_url, namespace
        self.now = ctx.now()
        ctx.clock = lambda: self.now
        self.transport = Transport(make_broker(redis_url, namespace))
        for platform, account in ACCOUNTS.items():
            channel_admin.add_channel(ctx, name=platform, platform=platform,
                                      api_base=sandbox.url, rate_limits=(),
                                      credentials=credentials(platform, account, sandbox.url))

    def post(self, platform: str) -> int:
        """A published-now post on one channel: its delivery is queued, its row in the
        outbox."""
        post_id = workflow.create_post(self.ctx, title="T", text=f"Info {uuid.uuid4().hex[:8]}",
                                       pillar="informatif", channels=[platform])
        workflow.submit(self.ctx, post_id)
        workflow.approve(self.ctx, post_id)
        publishing.publish_now(self.ctx, post_id)
        with self.ctx.db.read() as conn:
            (delivery,) = rows.for_post(conn, post_id)
        return delivery.id

    def later(self, delta: timedelta) -> None:
        self.now += delta

    def get(self, delivery_id: int):
        with self.ctx.db.read() as conn:
            return rows.get(conn, delivery_id)

    def attempts(self, delivery_id: int) -> list[dict]:
        with self.ctx.db.read() as conn:
            return rows.attempts_of(conn, delivery_id)

    def outbox(self) -> list[int]:
        with self.ctx.db.read() as conn:
            return [d for _, d, _ in rows.outbox_batch(conn, 1000)]

    def drop_outbox(self) -> None:
        """As if the relay had sent every row."""
        with self.ctx.db.write() as conn:
            rows.remove_from_outbox(conn, [o for o, _, _ in rows.outbox_batch(conn, 1000)])

    def redis_restarted_empty(self) -> None:
        clear_namespace(self.redis_url, self.namespace)

    def held_by_redis(self, delivery_id: int) -> bool:
        delivery = self.get(delivery_id)
        return self.transport.alive([(queue_for(delivery.platform),
                                      delivery.transport_id)]) == [True]


@pytest.fixture
def yard(ctx, sandbox, redis_url, siaran_env):
    yard = Yard(ctx, sandbox, redis_url, siaran_env["SIARAN_REDIS_NAMESPACE"])
    yield yard
    yard.transport.close()


# -- stale claims ----------------------------------------------------------------------------

def _claim(yard: Yard, delivery_id: int) -> None:
    """A worker takes the delivery, then dies before it reports."""
    with yard.ctx.db.write() as conn:
        assert rows.claim(conn, delivery_id, DEAD_WORKER, yard.now) is not None


def test_a_claim_older_than_any_call_becomes_unknown_with_the_attempt_recorded(yard):
    stale, fresh = yard.post("x"), yard.post("x")
    yard.drop_outbox()
    claimed_at = yard.now
    _claim(yard, stale)
    half = sweeper.stale_after(yard.ctx) / 2
    yard.later(half)
    _claim(yard, fresh)
    yard.later(half + timedelta(seconds=1))
    assert sweeper.abandon_stale_claims(yard.ctx) == 1
    abandoned = yard.get(stale)
    assert abandoned.status is D.UNKNOWN and abandoned.error_kind == "outcome_unknown"
    assert DEAD_WORKER in abandoned.error and "may have reached the platform" in abandoned.error
    (attempt,) = yard.attempts(stale)
    assert attempt["outcome"] == "abandoned" and attempt["worker"] == DEAD_WORKER
    assert attempt["error_kind"] == "outcome_unknown"
    assert attempt["started_at"] == claimed_at.isoformat()
    assert attempt["finished_at"] == yard.now.isoformat()
    assert yard.get(fresh).status is D.SENDING and yard.attempts(fresh) == []
    assert sweeper.abandon_stale_claims(yard.ctx) == 0  # once only
    assert yard.sandbox.requests() == []  # nothing was sent again


# -- lost messages ---------------------------------------------------------------------------

def test_a_queued_message_redis_still_holds_is_not_sent_again(yard):
    delivery_id = yard.post("x")
    assert outbox.relay(yard.ctx, yard.transport) == 1
    yard.later(sweeper.LOST_AFTER + timedelta(seconds=1))
    assert yard.held_by_redis(delivery_id)
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 0
    assert yard.outbox() == []


def test_a_queued_message_lost_by_redis_is_sent_again_through_the_outbox(yard):
    delivery_id = yard.post("x")
    assert outbox.relay(yard.ctx, yard.transport) == 1
    yard.redis_restarted_empty()
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 0  # not overdue yet
    yard.later(sweeper.LOST_AFTER + timedelta(seconds=1))
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 1
    assert yard.outbox() == [delivery_id]
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 0  # its row is waiting already
    assert outbox.relay(yard.ctx, yard.transport) == 1
    assert yard.held_by_redis(delivery_id) and yard.get(delivery_id).status is D.QUEUED
    assert deliver(yard.ctx, delivery_id).status is D.PUBLISHED


def test_an_overdue_retry_whose_delayed_message_was_lost_is_sent_again(yard):
    delivery_id = yard.post("x")
    yard.drop_outbox()
    guards = Guards(redis.Redis.from_url(yard.redis_url), yard.namespace)
    with yard.ctx.db.read() as conn:
        channel_id = channel_rows.by_name(conn, "x").id
    guards.cool_down(channel_id, 60)
    outcome = deliver(yard.ctx, delivery_id, guards=guards)
    guards.client.close()
    assert outcome.status is D.RETRY_WAIT
    sent = yard.transport.send(delivery_id, queue_for("x"), delay=outcome.retry_in)
    with yard.ctx.db.write() as conn:  # as the actor does
        rows.set_transport_ids(conn, [(delivery_id, sent.transport_id)])
    yard.redis_restarted_empty()
    yard.later(timedelta(seconds=outcome.retry_in))
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 0  # due, but not overdue
    yard.later(sweeper.LOST_AFTER + timedelta(seconds=1))
    assert sweeper.resend_lost(yard.ctx, yard.transport) == 1
    assert yard.outbox() == [delivery_id]


# -- undecided outcomes ----------------------------------------------------------------------

def _unknown(yard: Yard, platform: str) -> int:
    delivery_id = yard.post(platform)
    yard.drop_outbox()
    yard.sandbox.add_fault(platform, "commit_then_drop", account=ACCOUNTS[platform], count=1)
    assert deliver(yard.ctx, delivery_id).status is D.UNKNOWN
    return delivery_id


def test_an_unknown_outcome_is_reconciled_once_it_has_settled(yard):
    delivery_id = _unknown(yard, "x")
    assert sweeper.reconcile_undecided(yard.ctx) == 0  # too early to read back
    yard.later(sweeper.SETTLE + timedelta(seconds=1))
    assert sweeper.reconcile_undecided(yard.ctx) == 1
    delivery = yard.get(delivery_id)
    (stored,) = yard.sandbox.posts("x", "1001")
    assert delivery.status is D.PUBLISHED and delivery.external_id == stored.id
    assert [a["outcome"] for a in yard.attempts(delivery_id)] == ["error", "found"]
    assert sweeper.reconcile_undecided(yard.ctx) == 0


def test_an_undecided_delivery_is_asked_about_again_after_the_recheck_time(yard):
    delivery_id = _unknown(yard, "telegram")  # the Bot API cannot read posts back
    yard.later(sweeper.SETTLE + timedelta(seconds=1))
    assert sweeper.reconcile_undecided(yard.ctx) == 1
    assert yard.get(delivery_id).status is D.UNKNOWN
    yard.later(sweeper.RECHECK / 2)
    assert sweeper.reconcile_undecided(yard.ctx) == 0
    yard.later(sweeper.RECHECK / 2 + timedelta(seconds=1))
    assert sweeper.reconcile_undecided(yard.ctx) == 1
    outcomes = [a["outcome"] for a in yard.attempts(delivery_id)]
    assert outcomes == ["error", "undecided", "undecided"]
    assert len(yard.sandbox.posts("telegram", "@setneg")) == 1  # never sent again


def test_one_sweep_does_all_three(yard):
    stale = yard.post("x")
    yard.drop_outbox()
    _claim(yard, stale)
    lost = yard.post("x")
    assert outbox.relay(yard.ctx, yard.transport) == 1
    yard.redis_restarted_empty()
    yard.later(sweeper.stale_after(yard.ctx) + timedelta(seconds=1))
    first = sweeper.sweep(yard.ctx, yard.transport)
    assert (first.abandoned, first.resent, first.reconciled) == (1, 1, 0)
    assert yard.outbox() == [lost]
    yard.later(sweeper.SETTLE + timedelta(seconds=1))
    second = sweeper.sweep(yard.ctx, yard.transport)
    assert (second.abandoned, second.resent, second.reconciled) == (0, 0, 1)
    # not on X, so reconciliation sends it again, through the outbox
    assert yard.get(stale).status is D.QUEUED and yard.outbox() == [lost, stale]
