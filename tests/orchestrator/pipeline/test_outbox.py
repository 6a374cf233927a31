"""The outbox relay on real Redis through the real broker and transport: each row becomes
one Dramatiq message and is deleted once sent; a row whose message could not be sent stays."""

from __future__ import annotations

from dataclasses import replace

import pytest
import redis
from dramatiq import Message

from orchestrator.channels import admin as channel_admin
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline import outbox
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.queues import actor_for, queue_for
from orchestrator.pipeline.transport import Transport
from orchestrator.store import deliveries as rows
from tests.fixtures.sandbox import credentials

ACCOUNTS = {"x": "1001", "telegram": "@setneg"}


@pytest.fixture
def namespace(siaran_env) -> str:
    return siaran_env["SIARAN_REDIS_NAMESPACE"]


@pytest.fixture
def transport(redis_url, namespace):
    transport = Transport(make_broker(redis_url, namespace))
    yield transport
    transport.close()


@pytest.fixture
def queue_posts(ctx):
    """Publish-now posts, one delivery each, on the given platforms in turn; their ids."""
    for platform, account in ACCOUNTS.items():
        channel_admin.add_channel(ctx, name=platform, platform=platform, rate_limits=(),
                                  credentials=credentials(platform, account))

    def queue(*platforms: str) -> list[int]:
        ids = []
        for platform in platforms:
            post_id = workflow.create_post(ctx, title="T", text="Info layanan",
                                           pillar="informatif", channels=[platform])
            workflow.submit(ctx, post_id)
            workflow.approve(ctx, post_id)
            publishing.publish_now(ctx, post_id)
            with ctx.db.read() as conn:
                ids += [d.id for d in rows.for_post(conn, post_id)]
        return ids
    return queue


def _outbox(ctx) -> list[int]:
    with ctx.db.read() as conn:
        return [d for _, d, _ in rows.outbox_batch(conn, 1000)]


def _transport_ids(ctx, ids: list[int]) -> list[str | None]:
    with ctx.db.read() as conn:
        return [rows.get(conn, d).transport_id for d in ids]


def _delivery_ids(redis_url: str, namespace: str, queue: str) -> list[int]:
    """The delivery of each message waiting on a queue in Redis, in queue order."""
    return [m.args[0] for m in _messages(redis_url, namespace, queue)]


def _messages(redis_url: str, namespace: str, queue: str) -> list[Message]:
    """The messages waiting on a queue in Redis, in queue order."""
    client = redis.Redis.from_url(redis_url)
    try:
        ids = client.lrange(f"{namespace}:{queue}", 0, -1)
        bodies = client.hmget(f"{namespace}:{queue}.msgs", ids) if ids else []
    finally:
        client.close()
    return [Message.decode(body) for body in bodies]


def test_rows_become_messages_on_redis_and_are_deleted(ctx, transport, queue_posts,
                                                       redis_url, namespace):
    ids = queue_posts("x", "telegram", "x")
    assert _outbox(ctx) == ids
    assert outbox.relay(ctx, transport) == 3
    assert _outbox(ctx) == []
    for platform, expected in (("x", [ids[0], ids[2]]), ("telegram", [ids[1]])):
        messages = _messages(redis_url, namespace, queue_for(platform))
        assert [tuple(m.args) for m in messages] == [(d,) for d in expected]
        assert {m.actor_name for m in messages} == {actor_for(queue_for(platform))}
    transport_ids = _transport_ids(ctx, ids)
    assert all(transport_ids) and len(set(transport_ids)) == 3
    queues = [queue_for(p) for p in ("x", "telegram", "x")]
    assert transport.alive(list(zip(queues, transport_ids, strict=True))) == [True] * 3
    assert outbox.relay(ctx, transport) == 0  # nothing is sent twice


@pytest.mark.parametrize("batch", [1, 2, 3, 4, 500])
def test_every_row_is_sent_once_whatever_the_batch_size(ctx, transport, queue_posts,
                                                       redis_url, namespace, batch):
    ids = queue_posts(*["x"] * 4)
    assert outbox.relay(ctx, transport, batch=batch) == 4
    assert _outbox(ctx) == []
    assert _delivery_ids(redis_url, namespace, "publish.x") == ids


def test_rows_stay_when_redis_is_unreachable(ctx, queue_posts, unused_port, transport,
                                             namespace):
    ids = queue_posts("x", "telegram")
    unreachable = Transport(make_broker(f"redis://127.0.0.1:{unused_port}/0", namespace))
    try:
        with pytest.raises(redis.ConnectionError):
            outbox.relay(ctx, unreachable, batch=1)
    finally:
        unreachable.close()
    assert _outbox(ctx) == ids and _transport_ids(ctx, ids) == [None, None]
    assert outbox.relay(ctx, transport) == 2  # Redis is back: nothing was lost
    assert _outbox(ctx) == []


def test_rows_sent_before_a_refusal_are_deleted_and_the_rest_stay(
        ctx, queue_posts, transport, redis_url, namespace):
    """Redis refuses the Telegram queue (its key holds a string): the X messages before it
    leave the outbox, the Telegram row and every row after it stay."""
    ids = queue_posts("x", "x", "telegram", "x")
    client = redis.Redis.from_url(redis_url)
    client.set(f"{namespace}:{queue_for('telegram')}.msgs", "not a hash")
    try:
        with pytest.raises(redis.ResponseError):
            outbox.relay(ctx, transport, batch=2)
    finally:
        client.delete(f"{namespace}:{queue_for('telegram')}.msgs")
        client.close()
    assert _outbox(ctx) == ids[2:]
    sent, unsent = _transport_ids(ctx, ids[:2]), _transport_ids(ctx, ids[2:])
    assert all(sent) and unsent == [None, None]
    assert _delivery_ids(redis_url, namespace, "publish.x") == ids[:2]
    assert outbox.relay(ctx, transport) == 2
    assert _outbox(ctx) == []


def test_relay_now_leaves_the_rows_to_the_scheduler_when_redis_is_unreachable(
        ctx, queue_posts, unused_port):
    ids = queue_posts("x")
    ctx.settings = replace(ctx.settings, redis_url=f"redis://127.0.0.1:{unused_port}/0")
    assert outbox.relay_now(ctx) is None
    assert _outbox(ctx) == ids
