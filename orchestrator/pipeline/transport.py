"""Sending delivery messages, and asking Redis whether a sent one is still there.

Each message Siaran sends is stored by Dramatiq's Redis broker under a fresh
``redis_message_id`` in ``<namespace>:<queue>.msgs`` (or ``….DQ.msgs`` while delayed) until
a worker acknowledges it. Siaran records that id on the delivery; the sweeper uses it to
find deliveries whose message was lost (Redis restarted empty) and sends them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import dq_name

from orchestrator.pipeline.queues import delivery_message


@dataclass(frozen=True)
class Sent:
    message_id: str
    transport_id: str


class Transport:
    """Delivery messages over one Redis broker."""

    def __init__(self, broker: RedisBroker) -> None:
        self.broker = broker

    def send(self, delivery_id: int, queue: str, delay: float | None = None) -> Sent:
        """Enqueue a delivery, after ``delay`` seconds if given."""
        if queue not in self.broker.get_declared_queues():
            self.broker.declare_queue(queue)
        ms = None if delay is None else max(0, int(delay * 1000))
        message = self.broker.enqueue(delivery_message(delivery_id, queue), delay=ms)
        return Sent(message.message_id, message.options["redis_message_id"])

    def alive(self, sent: list[tuple[str, str | None]]) -> list[bool]:
        """For each (queue, transport id): is the message still held by Redis?"""
        ns = self.broker.namespace
        pipe = self.broker.client.pipeline(transaction=False)
        for queue, transport_id in sent:
            key = transport_id or "-"
            pipe.hexists(f"{ns}:{queue}.msgs", key)
            pipe.hexists(f"{ns}:{dq_name(queue)}.msgs", key)
        answers = pipe.execute()
        return [bool(answers[i] or answers[i + 1]) for i in range(0, len(answers), 2)]

    def close(self) -> None:
        self.broker.close()
