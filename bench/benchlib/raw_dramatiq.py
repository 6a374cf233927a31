"""The raw Dramatiq baseline: a no-op actor on a plain RedisBroker with its own namespace.

Worker processes run it as ``python -m dramatiq benchlib.raw_dramatiq`` (with ``bench/`` on
``PYTHONPATH``). The actor does nothing, so what it measures is Dramatiq's own cost per
message: fetch, decode, middleware, ack. Completion is observed by the driver draining the
queue (``qsize`` counts a message until its ack), so the actor needs no side effect.
"""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from benchlib.raw_dramatiq_names import ACTOR, QUEUE

broker = RedisBroker(url=os.environ["BENCH_RAW_REDIS_URL"],
                     namespace=os.environ["BENCH_RAW_NAMESPACE"])
dramatiq.set_broker(broker)


@dramatiq.actor(actor_name=ACTOR, queue_name=QUEUE, max_retries=0)
def noop(i: int) -> None:
    """Nothing: the baseline is the cost of Dramatiq itself."""
