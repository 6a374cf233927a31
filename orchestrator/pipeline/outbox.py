"""The outbox relay: sends one Dramatiq message per outbox row, after the commit.

Rows are written in the same transaction that queues a delivery; the relay reads them,
sends, then deletes them and records each message's transport id on its delivery. A crash
between send and delete sends a message twice, which the claim guard turns into one
publication; a lost message is re-sent by the sweeper.
"""

from __future__ import annotations

import structlog

from orchestrator.pipeline.transport import Transport
from orchestrator.runtime.context import Context
from orchestrator.store import deliveries as rows

log = structlog.get_logger("siaran.outbox")
BATCH = 500


def relay(ctx: Context, transport: Transport, *, batch: int = BATCH) -> int:
    """Send every outbox row; returns how many were sent."""
    total = 0
    while True:
        with ctx.db.read() as conn:
            pending = rows.outbox_batch(conn, batch)
        if not pending:
            return total
        sent: list[tuple[int, int, str]] = []
        try:
            for outbox_id, delivery_id, queue in pending:
                message = transport.send(delivery_id, queue)
                sent.append((outbox_id, delivery_id, message.transport_id))
                log.info("delivery enqueued", delivery_id=delivery_id, queue=queue,
                         message_id=message.message_id)
        finally:
            with ctx.db.write() as conn:
                rows.remove_from_outbox(conn, [s[0] for s in sent])
                rows.set_transport_ids(conn, [(d, t) for _, d, t in sent])
        total += len(sent)
        if len(pending) < batch:
            return total


def relay_now(ctx: Context) -> int | None:
    """Relay from this process if a Redis is reachable; None leaves it to the scheduler."""
    import redis

    from connectors.errors import ConfigError
    from orchestrator.pipeline.broker import make_broker
    from orchestrator.runtime.redis_url import resolve_redis_url

    try:
        url = resolve_redis_url(ctx.settings)
    except ConfigError:
        return None
    transport = Transport(make_broker(url, ctx.settings.redis_namespace))
    try:
        return relay(ctx, transport)
    except redis.RedisError as error:
        log.warning("relay from this process failed; the scheduler will send",
                    error=str(error))
        return None
    finally:
        transport.close()
