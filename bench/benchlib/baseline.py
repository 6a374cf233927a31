"""Driving the raw Dramatiq baseline: enqueue N no-op messages, time until all are acked."""

from __future__ import annotations

import time
from pathlib import Path

from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker

from benchlib import raw_dramatiq_names as names
from benchlib.processes import Workers, raw_workers
from benchlib.services import clear_namespace, namespace


class RawBaseline:
    """No-op messages on their own namespace, sent by this process like the outbox relay."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.namespace = namespace("raw")
        self.broker = RedisBroker(url=redis_url, namespace=self.namespace, middleware=[])
        self.broker.declare_queue(names.QUEUE)
        self.env = {"BENCH_RAW_REDIS_URL": redis_url, "BENCH_RAW_NAMESPACE": self.namespace}

    def workers(self, processes: int, threads: int, log_path: Path) -> Workers:
        return raw_workers(processes, threads, self.env, log_path)

    def run(self, n: int, timeout: float = 300) -> float:
        """Messages per second from the first send to the last ack.

        A few messages go first, untimed: an idle Dramatiq consumer polls Redis with a
        backoff of up to a second, which would otherwise weigh on a run of a few seconds.
        """
        self._send_and_drain(50, timeout)
        started = time.perf_counter()
        self._send_and_drain(n, timeout)
        return n / (time.perf_counter() - started)

    def _send_and_drain(self, n: int, timeout: float) -> None:
        started = time.perf_counter()
        for i in range(n):
            self.broker.enqueue(Message(queue_name=names.QUEUE, actor_name=names.ACTOR,
                                        args=(i,), kwargs={}, options={}))
        while self.broker.do_qsize(names.QUEUE):
            if time.perf_counter() - started > timeout:
                raise SystemExit("the raw Dramatiq baseline did not drain")
            time.sleep(0.002)

    def close(self) -> None:
        self.broker.close()
        clear_namespace(self.redis_url, self.namespace)
