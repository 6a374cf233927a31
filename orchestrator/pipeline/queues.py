"""Queue and actor names: ``publish.<platform>`` served by actor ``publish_<platform>``,
one per platform of the registry."""

from __future__ import annotations

from dramatiq import Message

from connectors import registry


def queue_for(platform: str) -> str:
    """The Dramatiq queue of a platform's publishing actor."""
    return f"publish.{platform}"


def all_queues() -> list[str]:
    """The publishing queue of every registered platform."""
    return [queue_for(p) for p in registry.names()]


def actor_for(queue: str) -> str:
    """The actor that consumes ``queue``."""
    return queue.replace(".", "_")


def delivery_message(delivery_id: int, queue: str) -> Message:
    """The message that asks a worker to carry out one delivery."""
    return Message(queue_name=queue, actor_name=actor_for(queue), args=(delivery_id,),
                   kwargs={}, options={})
