"""How much waits in each queue, and for how long: read from Dramatiq's keys in Redis.

Dramatiq's Redis broker keeps a queue as a list of message ids, ``<namespace>:<queue>``,
appended at the tail and taken from the head, and each message's body in the hash
``<namespace>:<queue>.msgs``. The head is therefore the message that has waited longest,
and its body carries ``message_timestamp`` (when it was made, in ms) and, for a delayed
message, ``eta`` (when it became due): the later of the two is when it began to wait.
Two pipelined round trips answer every queue at once: the lengths and heads, then the
heads' bodies. (A message a dead worker's consumer had taken is put back at the tail; it
is then not seen as the oldest — an estimate erring on the young side, never a stall.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis


@dataclass(frozen=True)
class QueueBacklog:
    queue: str
    #: Messages waiting to be taken by a worker.
    depth: int
    #: Seconds the oldest of them has waited (None: none waits).
    oldest_age: float | None


def backlog(client: redis.Redis, namespace: str, queues: list[str], now: float
            ) -> list[QueueBacklog]:
    """Depth and oldest message's age of each queue, ``now`` a Unix time in seconds."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        pipe.llen(f"{namespace}:{queue}")
        pipe.lindex(f"{namespace}:{queue}", 0)
    answers = pipe.execute()
    depths, heads = answers[0::2], answers[1::2]
    pipe = client.pipeline(transaction=False)
    for queue, head in zip(queues, heads, strict=True):
        pipe.hget(f"{namespace}:{queue}.msgs", head or b"-")
    bodies = pipe.execute()
    return [QueueBacklog(queue, int(depth), _age(body, now))
            for queue, depth, body in zip(queues, depths, bodies, strict=True)]


def _age(body: bytes | None, now: float) -> float | None:
    if not body:
        return None
    try:
        message = json.loads(body)
        since = max(message.get("message_timestamp") or 0,
                    (message.get("options") or {}).get("eta") or 0) / 1000
    except (ValueError, TypeError, AttributeError):
        return None
    return max(0.0, now - since) if since else None
