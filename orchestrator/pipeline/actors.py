"""Every Dramatiq actor of Siaran.

One actor per platform, each on its own queue ``publish.<platform>`` so that workers can be
dedicated to platforms (``siaran worker --queues publish.x``). A message carries only a
delivery id; everything else is read from the database.
"""

from __future__ import annotations

import threading

import dramatiq
from dramatiq.common import q_name
from dramatiq.middleware import CurrentMessage

from connectors import registry
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.queues import actor_for, queue_for
from orchestrator.pipeline.transport import Transport
from orchestrator.runtime import config
from orchestrator.runtime.context import Context, open_context
from orchestrator.runtime.redis_url import resolve_redis_url
from orchestrator.store import deliveries as rows

settings = config.load()
broker = make_broker(resolve_redis_url(settings), settings.redis_namespace,
                     settings.heartbeat_seconds)
dramatiq.set_broker(broker)
transport = Transport(broker)
guards = Guards(broker.client, settings.redis_namespace, in_flight_ttl=settings.claim_timeout)

_context: Context | None = None
_context_lock = threading.Lock()


def context() -> Context:
    """This process's context, opened on first use."""
    global _context
    with _context_lock:
        if _context is None:
            _context = open_context(settings)
        return _context


def publish(delivery_id: int) -> None:
    """Carry out one delivery; re-send it delayed when it must be tried again."""
    message = CurrentMessage.get_current_message()
    ctx = context()
    outcome = deliver(ctx, delivery_id, guards=guards,
                      message_id=message.message_id if message else None)
    if outcome is not None and outcome.retry_in is not None:
        sent = transport.send(delivery_id, q_name(message.queue_name), delay=outcome.retry_in)
        with ctx.db.write() as conn:
            rows.set_transport_ids(conn, [(delivery_id, sent.transport_id)])


PUBLISHERS: dict[str, dramatiq.Actor] = {
    queue_for(platform): dramatiq.actor(publish, actor_name=actor_for(queue_for(platform)),
                                        queue_name=queue_for(platform))
    for platform in registry.names()
}
