"""The Dramatiq broker: Redis transport with Siaran's middleware.

Redis holds only messages (a delivery id each); the database holds every state.
"""

from __future__ import annotations

from collections.abc import Callable

import dramatiq
from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from orchestrator.logging import LogContext
from orchestrator.queues import delivery_message

#: redis-py caps a pool at 100 connections; a worker with many threads needs more.
MAX_CONNECTIONS = 1000


def only_requested_retries(retries: int, exception: BaseException) -> bool:
    """Dramatiq retries a message only when Siaran's retry policy asked for it."""
    return isinstance(exception, dramatiq.Retry)


def make_broker(redis_url: str, namespace: str) -> RedisBroker:
    """A Redis broker on ``redis_url`` whose keys start with ``namespace``."""
    middleware = [
        AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(),
        Retries(retry_when=only_requested_retries), CurrentMessage(), LogContext(),
    ]
    return RedisBroker(url=redis_url, namespace=namespace, middleware=middleware,
                       max_connections=MAX_CONNECTIONS, heartbeat_timeout=60_000)


def sender(broker: Broker) -> Callable[[int, str], str]:
    """A function that enqueues one delivery on ``broker`` and returns the message id."""

    def send(delivery_id: int, queue: str) -> str:
        if queue not in broker.get_declared_queues():
            broker.declare_queue(queue)
        return broker.enqueue(delivery_message(delivery_id, queue)).message_id

    return send
