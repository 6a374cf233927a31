"""Queue depth and the oldest waiting message's age, read from Dramatiq's keys in Redis."""

from __future__ import annotations

import time

import pytest

from orchestrator.pipeline.backlog import QueueBacklog, backlog
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.transport import Transport


@pytest.fixture
def transport(siaran_env, redis_url):
    sender = Transport(make_broker(redis_url, siaran_env["SIARAN_REDIS_NAMESPACE"]))
    yield sender
    sender.close()


def test_depth_and_age_of_the_oldest_message(transport, siaran_env):
    ns, client = siaran_env["SIARAN_REDIS_NAMESPACE"], transport.broker.client
    queues = ["publish.x", "publish.telegram"]
    assert backlog(client, ns, queues, time.time()) == [QueueBacklog(q, 0, None)
                                                         for q in queues]
    before = time.time()
    for delivery_id in (1, 2, 3):
        transport.send(delivery_id, "publish.x")
    later = time.time() + 100
    x, telegram = backlog(client, ns, queues, later)
    assert (x.queue, x.depth) == ("publish.x", 3)
    # Dramatiq stamps a message in whole milliseconds.
    assert 100 <= x.oldest_age <= later - before + 0.001
    assert (telegram.depth, telegram.oldest_age) == (0, None)


def test_a_message_waits_from_its_due_time(transport, siaran_env):
    ns, client = siaran_env["SIARAN_REDIS_NAMESPACE"], transport.broker.client
    transport.send(7, "publish.x", delay=60)
    # Dramatiq holds a delayed message in the queue's delay queue until a worker takes it;
    # moved to the queue when due, it has waited since its eta, not since it was made.
    delayed = ns + ":" + "publish.x.DQ"
    message_id = client.lindex(delayed, 0)
    body = client.hget(f"{delayed}.msgs", message_id)
    client.rpush(f"{ns}:publish.x", message_id)
    client.hset(f"{ns}:publish.x.msgs", message_id, body)
    (x,) = backlog(client, ns, ["publish.x"], time.time() + 90)
    assert x.depth == 1 and 25 <= x.oldest_age <= 31
