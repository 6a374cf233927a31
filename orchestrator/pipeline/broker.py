"""The Dramatiq broker: Redis transport with Siaran's middleware.

Redis holds only messages (a delivery id each); the database holds every state. Dramatiq's
own retries are off (:func:`connectors.retry.never_retry`): a delivery that must be tried
again is re-sent, delayed, by :mod:`orchestrator.pipeline.transport`, with the delay the
retry policy chose.
"""

from __future__ import annotations

import redis
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

from connectors.retry import never_retry
from orchestrator.runtime.logging import LogContext

#: redis-py caps a pool at 100 connections; a worker with many threads needs more.
MAX_CONNECTIONS = 1000
#: Out of a million broker commands, how many also requeue the messages of dead workers.
#: Dramatiq's default (1,000) can leave a killed worker's messages waiting for minutes on
#: a quiet queue; 50,000 (5 %) finds them within seconds for the cost of one ZRANGEBYSCORE.
MAINTENANCE_CHANCE = 50_000


def make_broker(redis_url: str, namespace: str, heartbeat_seconds: float = 60.0
                ) -> RedisBroker:
    """A Redis broker on ``redis_url`` whose keys start with ``namespace``."""
    middleware = [
        AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(),
        Retries(retry_when=never_retry), CurrentMessage(), LogContext(),
    ]
    client = redis.Redis.from_url(redis_url, max_connections=MAX_CONNECTIONS)
    return RedisBroker(client=client, namespace=namespace, middleware=middleware,
                       heartbeat_timeout=int(heartbeat_seconds * 1000),
                       maintenance_chance=MAINTENANCE_CHANCE)
