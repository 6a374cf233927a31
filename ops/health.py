"""Readiness: is this installation able to publish? One function, :func:`readiness`, read by
``GET /readyz``, ``siaran status`` and the metrics collector.

Checks, each with a name, ``ok`` and a detail for people:

- ``database``: reachable, and its schema at the newest migration this code has;
- ``redis``: the queues' Redis answers;
- ``scheduler``: its heartbeat is younger than ``SIARAN_SCHEDULER_STALE``;
- ``queues``: no queue's oldest waiting message is older than ``SIARAN_QUEUE_STALE``.

Details never carry a URL, a password or a raw error text (which may quote a URL): errors
are named by their kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from connectors.errors import ConfigError
from orchestrator.pipeline.backlog import QueueBacklog, backlog
from orchestrator.pipeline.queues import all_queues
from orchestrator.runtime.context import Context
from orchestrator.runtime.redis_url import resolve_redis_url
from orchestrator.store import health as rows
from schedules import heartbeat

#: Seconds a check may wait for Redis.
REDIS_TIMEOUT = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    #: Seconds, for the checks about an age (the heartbeat, the oldest message).
    age: float | None = None


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]
    #: What the queues check saw (empty when Redis did not answer).
    queues: tuple[QueueBacklog, ...] = field(default=())
    #: Seconds since the scheduler's last pass (None: never, or unreadable).
    scheduler_age: float | None = None

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)


def readiness(ctx: Context) -> Readiness:
    """Every check, now."""
    database = _database(ctx)
    scheduler, age = _scheduler(ctx) if database.ok else (
        Check("scheduler", False, "its heartbeat cannot be read: the database is not ready"),
        None)
    client, redis_check = _redis(ctx)
    try:
        queues, seen = _queues(ctx, client)
    finally:
        if client is not None:
            client.close()
    return Readiness((database, redis_check, scheduler, queues), seen, age)


def view(found: Readiness) -> dict:
    """The JSON shape: ``ready`` and each check's name, ok, detail and age."""
    return {"ready": found.ready,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail,
                        "age": None if c.age is None else round(c.age, 3)}
                       for c in found.checks]}


def _kind(error: BaseException) -> str:
    return type(error).__name__


def _database(ctx: Context) -> Check:
    try:
        with ctx.db.read() as conn:
            at = rows.schema_revision(conn)
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return Check("database", False, f"not reachable ({_kind(error)})")
    head = rows.head_revision()
    if at != head:
        return Check("database", False,
                     f"schema at migration {at or 'none'}, this version needs {head}: "
                     "run `siaran init` (it migrates)")
    return Check("database", True, f"reachable, schema at migration {at}")


def _scheduler(ctx: Context) -> tuple[Check, float | None]:
    limit = ctx.settings.scheduler_stale
    try:
        age = heartbeat.age_seconds(ctx)
    except Exception as error:  # noqa: BLE001 - the database failed between two reads
        return Check("scheduler", False, f"heartbeat unreadable ({_kind(error)})"), None
    if age is None:
        return Check("scheduler", False, "no scheduler has ever run"), None
    ok = age <= limit
    detail = (f"last pass {age:.1f} s ago" if ok else
              f"silent for {age:.1f} s (limit {limit:g} s): is `siaran scheduler` running?")
    return Check("scheduler", ok, detail, age), age


def _redis(ctx: Context) -> tuple[redis.Redis | None, Check]:
    try:
        url = resolve_redis_url(ctx.settings)
    except ConfigError:
        return None, Check("redis", False, "no Redis is running for this data directory")
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                  socket_connect_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        client.close()
        return None, Check("redis", False, f"not reachable ({_kind(error)})")
    return client, Check("redis", True, "reachable")


def _queues(ctx: Context, client: redis.Redis | None
            ) -> tuple[Check, tuple[QueueBacklog, ...]]:
    if client is None:
        return Check("queues", False, "cannot be read: Redis is not reachable"), ()
    limit = ctx.settings.queue_stale
    try:
        seen = tuple(backlog(client, ctx.settings.redis_namespace, all_queues(),
                             ctx.now().timestamp()))
    except (redis.RedisError, OSError) as error:
        return Check("queues", False, f"cannot be read ({_kind(error)})"), ()
    waiting = [q for q in seen if q.oldest_age is not None]
    oldest = max(waiting, key=lambda q: q.oldest_age or 0.0, default=None)
    if oldest is None:
        return Check("queues", True, "nothing waits"), seen
    age = oldest.oldest_age or 0.0
    stale = [q.queue for q in waiting if (q.oldest_age or 0.0) > limit]
    if stale:
        return Check("queues", False, f"{', '.join(stale)}: a message waits for {age:.0f} s "
                     f"(limit {limit:g} s): are workers running?", age), seen
    return Check("queues", True, f"{sum(q.depth for q in seen)} waiting, oldest "
                 f"{age:.1f} s ({oldest.queue})", age), seen
