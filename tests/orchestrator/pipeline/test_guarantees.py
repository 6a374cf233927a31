"""Delivery guarantees under every sandbox fault, for each platform of the contract.

Each case drives the real delivery code (claim, connector, attempt log, rollup, guards in
Redis) against the sandbox, then reconciliation where the outcome is unknown, and counts what
the sandbox account holds: exactly one post, or none and a failed delivery with its reason.
The platforms and what to expect of each come from the registry and the platforms' own
declarations (``tests/fixtures/platforms.py``): the demo account, the outage fault and the
publishing request of its sandbox module, whether it refuses duplicates, whether its posts
can be read back, whether it publishes text alone.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
import redis
import requests

from connectors import registry, retry
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.reconcile import reconcile
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from orchestrator.store.schema import channels
from tests.fixtures.platforms import (
    contract_platforms,
    publishes_text_alone,
    refuses_duplicates,
    sandbox_class,
    supports_find,
)
from tests.fixtures.sandbox import credentials, demo_account, sandbox_accounts

#: Where the media store would be served; platforms that fetch media by URL get this one
#: (the sandbox takes any http(s) URL as reachable and fetches nothing).
MEDIA_BASE_URL = "https://media.siaran.example"


def each(platforms: list[str]):
    return pytest.mark.parametrize("contract_platform", platforms, indirect=True)


ALL = each(contract_platforms())
READABLE = each([p for p in contract_platforms() if supports_find(p)])
UNREADABLE = each([p for p in contract_platforms() if not supports_find(p)])
REFUSE_DUPLICATES = each([p for p in contract_platforms() if refuses_duplicates(p)])


class World:
    """Channels on the sandbox, a movable clock, guards on the test's Redis namespace."""

    def __init__(self, ctx, sandbox, redis_url, namespace, image):
        self.ctx, self.sandbox, self.image = ctx, sandbox, image
        self.now = ctx.now()
        ctx.clock = lambda: self.now
        ctx.settings = replace(ctx.settings, media_base_url=MEDIA_BASE_URL)
        self.guards = Guards(redis.Redis.from_url(redis_url), namespace)
        self.channels: set[str] = set()
        for platform in registry.names():
            self.channel(platform)

    def channel(self, platform: str) -> str:
        """The channel named after ``platform``, on its demo account (added on first use)."""
        if platform not in self.channels:
            channel_admin.add_channel(
                self.ctx, name=platform, platform=platform, api_base=self.sandbox.url,
                rate_limits=(), credentials=credentials(platform, demo_account(platform),
                                                        self.sandbox.url))
            self.channels.add(platform)
        return platform

    def post(self, platform: str, text: str | None = None) -> tuple[int, str]:
        text = text or f"Pengumuman {uuid.uuid4().hex[:10]}"
        media = None if publishes_text_alone(platform) else [(str(self.image), "Bendera")]
        post_id = workflow.create_post(self.ctx, title="T", text=text, pillar="informatif",
                                        channels=[self.channel(platform)], media=media)
        workflow.submit(self.ctx, post_id)
        workflow.approve(self.ctx, post_id)
        publishing.publish_now(self.ctx, post_id)
        with self.ctx.db.write() as conn:  # as if the relay had sent it
            (delivery,) = rows.for_post(conn, post_id)
            rows.remove_from_outbox(conn, [o for o, _, _ in rows.outbox_batch(conn, 100)])
        return delivery.id, text

    def deliver(self, delivery_id: int):
        return deliver(self.ctx, delivery_id, guards=self.guards)

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def delivery(self, delivery_id: int):
        with self.ctx.db.read() as conn:
            return rows.get(conn, delivery_id), rows.attempts_of(conn, delivery_id)

    def held(self, platform: str, text: str) -> list:
        return [p for p in self.sandbox.posts(platform, demo_account(platform))
                if p.text == text]

    def fault(self, platform: str, kind: str, count: int | None = 1, **params) -> None:
        """A fault on the request that publishes, for the platform's demo account."""
        self.sandbox.add_fault(platform, kind, account=demo_account(platform), count=count,
                               endpoint=sandbox_class(platform).publish_endpoint, **params)

    def outage(self, platform: str, count: int | None = 1) -> None:
        """The platform's own "server error" fault, which is safe to retry."""
        self.fault(platform, count=count, **sandbox_class(platform).outage)


@pytest.fixture
def world(ctx, sandbox, redis_url, siaran_env, tmp_path):
    return World(ctx, sandbox, redis_url, siaran_env["SIARAN_REDIS_NAMESPACE"],
                 write_flag(tmp_path / "bendera.jpg"))


@ALL
def test_outage_is_retried_with_backoff_then_published_once(world, contract_platform):
    platform = contract_platform
    delivery_id, text = world.post(platform)
    world.outage(platform, count=2)
    delays = []
    for _ in range(2):
        outcome = world.deliver(delivery_id)
        assert outcome.status is D.RETRY_WAIT and outcome.retry_in > 0
        delays.append(outcome.retry_in)
        assert world.deliver(delivery_id) is None  # an early copy of the message is refused
        world.later(outcome.retry_in)
    assert world.deliver(delivery_id).status is D.PUBLISHED
    delivery, log = world.delivery(delivery_id)
    assert [a["error_kind"] for a in log] == ["unavailable", "unavailable", None]
    assert log[0]["http_status"] in (500, 502, 503) and log[0]["excerpt"]
    assert delivery.status is D.PUBLISHED and delivery.attempts == 3
    assert len(world.held(platform, text)) == 1


@ALL
def test_rate_limit_waits_until_reset_and_holds_back_the_channel(world, contract_platform):
    platform = contract_platform
    first, text = world.post(platform)
    second, other = world.post(platform)
    world.fault(platform, "rate_limit", reset_in=120)  # whole minutes: Graph counts minutes
    outcome = world.deliver(first)
    assert outcome.status is D.RETRY_WAIT and 115 <= outcome.retry_in <= 125
    delivery, log = world.delivery(first)
    assert delivery.error_kind == "rate_limited" and log[0]["http_status"] in (400, 403, 429)
    asked = len(world.sandbox.requests(platform))
    deferred = world.deliver(second)
    assert deferred.status is D.RETRY_WAIT and deferred.retry_in > 30
    assert len(world.sandbox.requests(platform)) == asked  # no request while cooling down
    assert world.delivery(second)[1] == []  # and no attempt spent
    world.guards.client.delete(*world.guards.client.keys(f"{world.guards.ns}:cooldown:*"))
    world.later(outcome.retry_in)
    assert world.deliver(first).status is D.PUBLISHED
    assert world.deliver(second).status is D.PUBLISHED
    assert len(world.held(platform, text)) == 1 and len(world.held(platform, other)) == 1


@ALL
def test_expired_token_fails_marks_channel_and_holds_the_rest(world, contract_platform):
    platform = contract_platform
    first, _ = world.post(platform)
    second, text = world.post(platform)
    world.fault(platform, "expired_token")
    assert world.deliver(first).status is D.FAILED
    delivery, log = world.delivery(first)
    assert delivery.error_kind == "auth_expired" and log[0]["http_status"] in (400, 401)
    with world.ctx.db.read() as conn:
        assert channel_rows.by_name(conn, platform).state.value == "needs_reauth"
        assert rows.get(conn, second).status is D.HELD
    _, released = channel_admin.resume(world.ctx, platform)
    assert released == 1
    assert world.deliver(second).status is D.PUBLISHED
    assert len(world.held(platform, text)) == 1


@READABLE
@pytest.mark.parametrize("fault", ["commit_then_drop", "commit_then_hang"])
def test_stored_but_unanswered_is_reconciled_never_resent(world, contract_platform, fault):
    platform = contract_platform
    world.ctx.settings = replace(world.ctx.settings, http_timeout=1.0)
    delivery_id, text = world.post(platform)
    world.fault(platform, fault, seconds=3)
    assert world.deliver(delivery_id).status is D.UNKNOWN
    assert len(world.held(platform, text)) == 1  # the platform has it
    assert world.deliver(delivery_id) is None  # a redelivered message sends nothing
    verdict = reconcile(world.ctx, delivery_id)
    assert verdict.outcome == "published"
    delivery, log = world.delivery(delivery_id)
    assert delivery.status is D.PUBLISHED
    assert delivery.external_id == world.held(platform, text)[0].id
    assert [a["outcome"] for a in log] == ["error", "found"]
    assert log[0]["error_kind"] == "outcome_unknown"
    assert len(world.held(platform, text)) == 1


@READABLE
def test_unanswered_and_not_stored_is_sent_again_once(world, contract_platform):
    platform = contract_platform
    world.ctx.settings = replace(world.ctx.settings, http_timeout=1.0)
    delivery_id, text = world.post(platform)
    world.fault(platform, "latency", seconds=5)
    assert world.deliver(delivery_id).status is D.UNKNOWN
    world.sandbox.reset()  # the slow request is dropped before it stores anything
    assert reconcile(world.ctx, delivery_id).outcome == "resent"
    with world.ctx.db.read() as conn:
        assert rows.get(conn, delivery_id).status is D.QUEUED
        assert [d for _, d, _ in rows.outbox_batch(conn, 10)].count(delivery_id) == 1
    assert world.deliver(delivery_id).status is D.PUBLISHED
    assert len(world.held(platform, text)) == 1


@REFUSE_DUPLICATES
def test_duplicate_refusal_of_someone_elses_post_fails_after_reconciling(world,
                                                                         contract_platform):
    platform = contract_platform
    delivery_id, text = world.post(platform)
    world.fault(platform, "duplicate")
    assert world.deliver(delivery_id).status is D.UNKNOWN
    delivery, _ = world.delivery(delivery_id)
    assert delivery.error_kind == "duplicate"
    assert reconcile(world.ctx, delivery_id).outcome == "failed"
    delivery, log = world.delivery(delivery_id)
    assert delivery.status is D.FAILED and "duplicate" in delivery.error
    assert world.held(platform, text) == []


@UNREADABLE
@pytest.mark.parametrize("fault", ["commit_then_drop", "latency"])
def test_unknown_without_read_back_waits_for_an_operator(world, contract_platform, fault):
    """No read-back (Telegram): the delivery stays unknown, with the reason, until resolved."""
    platform = contract_platform
    world.ctx.settings = replace(world.ctx.settings, http_timeout=1.0)
    delivery_id, text = world.post(platform)
    world.fault(platform, fault, seconds=3)
    assert world.deliver(delivery_id).status is D.UNKNOWN
    verdict = reconcile(world.ctx, delivery_id)
    assert verdict.outcome == "undecided" and "no way to read back" in verdict.detail
    delivery, log = world.delivery(delivery_id)
    assert delivery.status is D.UNKNOWN and "resolve" in delivery.error
    assert log[-1]["outcome"] == "undecided"
    assert world.deliver(delivery_id) is None  # never re-sent on its own
    publishing.resolve_delivery(world.ctx, delivery_id, published=fault == "commit_then_drop",
                                permalink=f"https://{platform}.example/setneg/1")
    expected = D.PUBLISHED if fault == "commit_then_drop" else D.FAILED
    assert world.delivery(delivery_id)[0].status is expected


def test_duplicate_after_a_lost_answer_is_our_own_post(world):
    """X refuses the resend as a duplicate: reconciliation finds the first copy."""
    delivery_id, text = world.post("x")
    world.fault("x", "commit_then_drop")
    assert world.deliver(delivery_id).status is D.UNKNOWN
    publishing.retry_delivery(world.ctx, delivery_id, force=True)  # an operator insists
    assert world.deliver(delivery_id).status is D.UNKNOWN  # X: duplicate content
    assert world.delivery(delivery_id)[0].error_kind == "duplicate"
    assert reconcile(world.ctx, delivery_id).outcome == "published"
    assert len(world.held("x", text)) == 1


def test_outages_open_the_circuit_for_the_channel(world):
    ids = [world.post("x")[0] for _ in range(7)]
    world.outage("x", count=None)
    for delivery_id in ids[:5]:
        assert world.deliver(delivery_id).status is D.RETRY_WAIT
    asked = len(world.sandbox.requests("x"))
    outcome = world.deliver(ids[5])
    assert outcome.status is D.RETRY_WAIT and 0 < outcome.retry_in <= 30
    assert len(world.sandbox.requests("x")) == asked
    assert world.delivery(ids[5])[1] == []


def test_posting_limit_is_shared_and_defers_without_a_request(world):
    with world.ctx.db.write() as conn:
        from orchestrator.store.schema import channels

        conn.execute(channels.update().where(channels.c.name == "facebook")
                     .values(rate_limits="[[2, 3600]]"))
    ids = [world.post("facebook")[0] for _ in range(3)]
    assert world.deliver(ids[0]).status is D.PUBLISHED
    assert world.deliver(ids[1]).status is D.PUBLISHED
    outcome = world.deliver(ids[2])
    assert outcome.status is D.RETRY_WAIT and 3500 < outcome.retry_in <= 3600
    deferred, attempts = world.delivery(ids[2])
    assert deferred.error == "posting limit of the channel reached"
    # the claim was given back: no attempt counted, none logged, nobody holds it
    assert deferred.status is D.RETRY_WAIT and deferred.attempts == 0 and attempts == []
    assert deferred.first_attempt_at is None and deferred.claimed_by is None
    assert deferred.next_attempt_at > world.now
    assert len(world.sandbox.posts("facebook", "555")) == 2


def test_sandbox_clock_moves(world):
    """The sandbox's controllable clock is reachable (used by quota-window tests)."""
    answer = requests.post(f"{world.sandbox.url}/_sandbox/clock", json={"advance": 60},
                           timeout=5)
    assert answer.status_code == 200


def test_a_success_that_exhausts_the_window_cools_the_channel(world):
    """x-rate-limit-remaining: 0 on a 201 → nobody posts to X until the reset."""
    first, _ = world.post("x")
    second, _ = world.post("x")
    account = next(a for a in sandbox_accounts()["x"] if a["user_id"] == "1001")
    world.sandbox.add_accounts({"x": [{**account, "post_limit": 1}]})
    assert world.deliver(first).status is D.PUBLISHED
    asked = len(world.sandbox.requests("x"))
    outcome = world.deliver(second)
    assert outcome is not None and outcome.status is D.RETRY_WAIT
    assert len(world.sandbox.requests("x")) == asked


def test_a_retry_reuses_the_media_uploaded_by_the_failed_attempt(world, tmp_path):
    """The image goes up once; the retry posts with the remembered media id."""
    image = write_flag(tmp_path / "bendera.jpg")
    post_id = workflow.create_post(world.ctx, title="T", text="Dengan gambar.",
                                    pillar="informatif", channels=["x"],
                                    media=[(str(image), "Bendera Merah Putih")])
    workflow.submit(world.ctx, post_id)
    workflow.approve(world.ctx, post_id)
    publishing.publish_now(world.ctx, post_id)
    with world.ctx.db.read() as conn:
        (delivery,) = rows.for_post(conn, post_id)
    world.sandbox.add_fault("x", "status", account="1001", endpoint="POST /2/tweets$",
                            count=1, status=503)
    outcome = world.deliver(delivery.id)
    assert outcome.status is D.RETRY_WAIT
    world.later(outcome.retry_in)
    assert world.deliver(delivery.id).status is D.PUBLISHED
    uploads = [r for r in world.sandbox.requests("x")
               if "media/upload" in r.path and r.method == "POST"]
    assert len(uploads) == 1
    (held,) = [p for p in world.sandbox.posts("x", "1001") if p.text == "Dengan gambar."]
    assert len(held.extra["media"]) == 1


#: Year 2286 in Unix time: a guard written into Redis by someone who should not have.
FAR_FUTURE = 9_999_999_999


def _plant(world, guard: str, channel_id: int) -> None:
    """Write a guard that ends in the far future straight into Redis."""
    key, client = world.guards._key, world.guards.client
    if guard == "cooldown":
        client.set(key("cooldown", channel_id), f"{FAR_FUTURE}.000")
    elif guard == "circuit":
        client.set(key("circuit", channel_id), "1", ex=FAR_FUTURE)
    else:
        client.zadd(key("window", channel_id, 3600), {"planted-1": FAR_FUTURE,
                                                      "planted-2": FAR_FUTURE})


def _channel_id(world, name: str) -> int:
    with world.ctx.db.read() as conn:
        return channel_rows.by_name(conn, name).id


@pytest.mark.parametrize("guard", ["cooldown", "circuit", "window"])
def test_a_guard_planted_far_in_the_future_defers_for_a_capped_wait(world, guard):
    with world.ctx.db.write() as conn:
        conn.execute(channels.update().where(channels.c.name == "x")
                     .values(rate_limits="[[2, 3600]]"))
    delivery_id, _ = world.post("x")
    _plant(world, guard, _channel_id(world, "x"))
    outcome = world.deliver(delivery_id)
    cap = retry.DEFAULT.max_guard_wait
    assert outcome.status is D.RETRY_WAIT and outcome.retry_in == cap
    delivery, log = world.delivery(delivery_id)
    assert delivery.next_attempt_at == world.now + timedelta(seconds=cap)
    assert delivery.deferred_seconds == cap and delivery.attempts == 0 and log == []
    assert world.sandbox.requests("x") == []


def test_a_delivery_deferred_longer_than_the_horizon_fails_and_can_be_retried(world):
    delivery_id, text = world.post("x")
    _plant(world, "cooldown", _channel_id(world, "x"))
    waits = []
    for _ in range(100):
        outcome = world.deliver(delivery_id)
        if outcome.status is not D.RETRY_WAIT:
            break
        waits.append(outcome.retry_in)
        world.later(outcome.retry_in)
    assert outcome.status is D.FAILED
    assert sum(waits) == retry.DEFAULT.rate_limit_horizon
    delivery, log = world.delivery(delivery_id)
    assert delivery.status is D.FAILED and delivery.error_kind == retry.DEFERRED_TOO_LONG
    assert delivery.error.startswith("platform asked to wait;") and "gave up" in delivery.error
    assert delivery.attempts == 0 and log == [] and world.sandbox.requests("x") == []
    with world.ctx.db.read() as conn:
        assert post_rows.get(conn, delivery.post_id).status.value == "failed"
    publishing.retry_delivery(world.ctx, delivery_id)  # an operator, once the key is gone
    assert world.delivery(delivery_id)[0].deferred_seconds == 0
    world.guards.client.delete(world.guards._key("cooldown", _channel_id(world, "x")))
    assert world.deliver(delivery_id).status is D.PUBLISHED
    assert len(world.held("x", text)) == 1
