"""A Siaran under measurement: its database, channels on the sandbox, posts, a relay.

The driver (this process) uses Siaran's own in-process API to write and approve posts and
to run a scheduler tick (due-post dispatch + outbox relay); real worker processes publish.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from benchlib.processes import Child, Workers, scheduler, siaran_workers
from benchlib.services import clear_namespace, namespace
from connectors.sandbox import channel_credentials
from orchestrator.channels import admin as channel_admin
from orchestrator.editorial import workflow
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.transport import Transport
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.runtime.installation import initialise
from orchestrator.runtime.logging import configure
from orchestrator.store.schema import attempts, deliveries
from schedules.scheduler import tick as scheduler_tick

#: Channels per post: half X accounts, half Facebook Pages.
PER_POST = 4


@dataclass
class Batch:
    """Posts written for one measured run: ids ``lo``..``hi``, ``deliveries`` in all."""

    lo: int
    hi: int
    deliveries: int
    texts: dict[str, datetime] = field(default_factory=dict)


@dataclass
class Finished:
    """How a batch ended: counts by status and the attempt times."""

    counts: dict[str, int]
    first_started: datetime | None
    last_finished: datetime | None


class Siaran:
    """One Siaran installation on one database, driven from this process."""

    def __init__(self, root: Path, database_url: str, redis_url: str, *,
                 tick_seconds: float = 1.0) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.redis_url = redis_url
        self.namespace = namespace("siaran")
        self.env = {
            "SIARAN_DATA_DIR": str(root / "data"),
            "SIARAN_DATABASE_URL": database_url,
            "SIARAN_REDIS_URL": redis_url,
            "SIARAN_REDIS_NAMESPACE": self.namespace,
            "SIARAN_USER": "bench-editor",
            "SIARAN_LOG_FORMAT": "json",
            "SIARAN_HTTP_TIMEOUT": "10",
            "SIARAN_TICK_SECONDS": str(tick_seconds),
            "SIARAN_SECRET_KEY": Fernet.generate_key().decode(),
        }
        self._log = open(root / "driver.log", "a")  # noqa: SIM115 - closed in close()
        configure("json", stream=self._log)
        settings = config.load({**os.environ, **self.env})  # the workers' settings
        initialise(settings)
        self.ctx = open_context(settings)
        self.broker = make_broker(redis_url, self.namespace)
        self.transport = Transport(self.broker)
        self.x_channels: list[str] = []
        self.fb_channels: list[str] = []
        self._posts_written = 0

    # setup -----------------------------------------------------------------------------
    def add_channels(self, api_base: str, accounts: dict[str, list[dict]]) -> None:
        """One channel per sandbox account, without Siaran-side posting limits.

        The platforms' real caps (X: 100 posts / 15 min per account) would turn a throughput
        run into a rate-limit test; the channels here have their limits set to none, as an
        operator would with ``--rate-limit none``.
        """
        for platform, names in (("x", self.x_channels), ("facebook", self.fb_channels)):
            for i, account in enumerate(accounts.get(platform, [])):
                name = f"bench-{platform}-{i}"
                channel_admin.add_channel(self.ctx, name=name, platform=platform,
                                          credentials=channel_credentials(platform, account),
                                          api_base=api_base, rate_limits=())
                names.append(name)

    def write_posts(self, count: int, *, at: list[datetime] | None = None,
                    per_post: int = PER_POST, label: str = "") -> Batch:
        """Write, submit and approve ``count`` posts through the editorial API.

        Without ``at`` the posts are due already: they are written through a context whose
        clock runs an hour behind, scheduled a minute after that clock.
        """
        ctx = self.ctx
        if at is None:
            behind = datetime.now(UTC) - timedelta(hours=1)
            ctx = replace(self.ctx, clock=lambda: datetime.now(UTC) - timedelta(hours=1))
            at = [behind + timedelta(minutes=1)] * count
        half = per_post // 2
        tag = label or uuid.uuid4().hex[:6]
        ids: list[int] = []
        texts: dict[str, datetime] = {}
        for k in range(count):
            n = self._posts_written + k
            chosen = ([self.x_channels[(n * half + j) % len(self.x_channels)]
                       for j in range(half)]
                      + [self.fb_channels[(n * half + j) % len(self.fb_channels)]
                         for j in range(per_post - half)])
            text = f"Siaran bench {tag} #{n}: layanan publik diperpanjang."
            post_id = workflow.create_post(ctx, title=f"Bench {n}", text=text,
                                            pillar="informatif", channels=chosen, at=at[k])
            workflow.submit(ctx, post_id)
            workflow.approve(ctx, post_id)
            ids.append(post_id)
            texts[text] = at[k]
        self._posts_written += count
        return Batch(min(ids), max(ids), count * per_post, texts)

    # running -----------------------------------------------------------------------------
    def tick(self) -> tuple[int, int, float, float]:
        """One scheduler pass in this process, as ``siaran scheduler`` makes it (the outbox
        relayed after each dispatched batch): (posts, messages, dispatch s, relay s)."""
        done = scheduler_tick(self.ctx, self.transport)
        return (done.dispatched, done.relayed, done.seconds - done.relay_seconds,
                done.relay_seconds)

    def workers(self, processes: int, threads: int, name: str = "workers",
                env: dict[str, str] | None = None) -> Workers:
        return siaran_workers(processes, threads, {**self.env, **(env or {})},
                              self.root / f"{name}-{processes}x{threads}.log")

    def scheduler(self) -> Child:
        return scheduler(self.env, self.root / "scheduler.log")

    def counts(self, batch: Batch) -> dict[str, int]:
        with self.ctx.db.read() as conn:
            return dict(conn.execute(
                select(deliveries.c.status, func.count()).where(
                    deliveries.c.post_id.between(batch.lo, batch.hi))
                .group_by(deliveries.c.status)).all())

    def wait(self, batch: Batch, timeout: float, *, poll: float = 0.1,
             stall: float = 60) -> Finished:
        """Until every delivery of the batch is published (or stops moving)."""
        deadline = time.monotonic() + timeout
        last_change, last = time.monotonic(), None
        while True:
            counts = self.counts(batch)
            done = counts.get("published", 0)
            settled = sum(v for k, v in counts.items()
                          if k in ("published", "failed", "unknown", "cancelled", "held"))
            if settled >= batch.deliveries:
                break
            if counts != last:
                last, last_change = counts, time.monotonic()
            now = time.monotonic()
            if now > deadline or now - last_change > stall:
                print(f"  ! gave up waiting: {counts} ({done}/{batch.deliveries} published)",
                      flush=True)
                break
            time.sleep(poll)
        return self.finished(batch, counts)

    def finished(self, batch: Batch, counts: dict[str, int] | None = None) -> Finished:
        with self.ctx.db.read() as conn:
            where = deliveries.c.post_id.between(batch.lo, batch.hi)
            joined = attempts.join(deliveries, deliveries.c.id == attempts.c.delivery_id)
            first, last = conn.execute(
                select(func.min(attempts.c.started_at), func.max(attempts.c.finished_at))
                .select_from(joined).where(where)).one()
        # UTCDateTime returns aware datetimes; a raw SQL aggregate on SQLite may not.
        first, last = (_aware(v) for v in (first, last))
        return Finished(counts or self.counts(batch), first, last)

    def close(self) -> None:
        self.transport.close()
        self.ctx.db.dispose()
        clear_namespace(self.redis_url, self.namespace)
        self._log.close()


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
