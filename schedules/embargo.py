"""The embargo (kill switch): stop every channel at once, and start again.

The embargo is a row in the database (the source of truth, checked by dispatch and by
every claim) and a flag in Redis (checked by the guards' admission script right before each
request). ``pause_all`` writes the row, sets the flag, then waits — bounded, reporting
progress — until no admitted request is in flight: once it returns, no new platform request
starts anywhere, and requests that were already on the wire have finished and been
recorded. Then it holds every queued or waiting delivery with the embargo's reason.

``resume_all`` lifts it: held deliveries past their missed window become ``missed``, the
rest are queued again. An embargo planned ahead (``starts_at``, ``ends_at``) takes hold at
its start through the claim's check of the row; the scheduler sets the flag again every
tick (a Redis that restarted empty has it back within a tick) and releases the held
deliveries once an embargo has ended by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
import structlog

from connectors.errors import ConfigError, ValidationError
from orchestrator.access.roles import act
from orchestrator.domain.embargo import Embargo
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.editorial.views import local
from orchestrator.pipeline.guards import Guards
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.windows import miss, too_late
from orchestrator.runtime.context import Context
from orchestrator.runtime.redis_url import resolve_redis_url
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import embargoes as rows

log = structlog.get_logger("siaran.embargo")
#: Held deliveries released per transaction.
RELEASE_BATCH = 500


@dataclass
class Paused:
    embargo: Embargo
    in_force: bool
    #: Deliveries held when the command returned.
    held: int = 0
    #: Requests still in flight when the wait ran out (empty: none started after return).
    in_flight: list[int] = field(default_factory=list)
    #: False when no Redis was reachable (then no worker can be running either).
    flagged: bool = False


@dataclass
class Resumed:
    lifted: list[Embargo]
    #: Another embargo still holds publishing (they overlapped).
    still: Embargo | None = None
    released: int = 0
    missed: int = 0


def guards_for(ctx: Context) -> Guards | None:
    """The guards on this installation's Redis; None when none is reachable."""
    try:
        url = resolve_redis_url(ctx.settings)
    except ConfigError:
        return None
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return Guards(client, ctx.settings.redis_namespace, in_flight_ttl=ctx.settings.claim_timeout)


def pause_all(ctx: Context, reason: str, *, starts_at: datetime | None = None,
              ends_at: datetime | None = None, guards: Guards | None = None,
              drain_timeout: float | None = None,
              progress: Callable[[list[int]], object] | None = None) -> Paused:
    """Stop every channel, now or from ``starts_at``, until ``ends_at`` or until lifted.

    For an embargo in force now, returns once no request is in flight (at most
    ``drain_timeout`` seconds, default ``SIARAN_CLAIM_TIMEOUT``)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("an embargo needs a reason")
    now = ctx.now()
    start = max(starts_at or now, now)
    if ends_at is not None and ends_at <= start:
        raise ValidationError("an embargo must end after it starts (and after now)")
    with ctx.db.write() as conn:
        embargo = rows.add(conn, reason=reason, starts_at=start, ends_at=ends_at, by=ctx.user,
                           now=now)
        act(conn, user=ctx.user, action="embargo", entity="embargo", entity_id=embargo.id,
            now=now, reason=reason, starts_at=start, ends_at=ends_at)
    paused = Paused(embargo, embargo.in_force(now))
    if not paused.in_force:
        return paused
    guards = guards or guards_for(ctx)
    if guards is not None:
        guards.set_embargo(embargo.id, reason)
        paused.flagged = True
        timeout = ctx.settings.claim_timeout if drain_timeout is None else drain_timeout
        paused.in_flight = guards.drain(timeout, progress)
    with ctx.db.write() as conn:
        paused.held = rows.hold_waiting(conn, reason, ctx.now())
    log.warning("embargo in force", embargo=embargo.id, reason=reason, held=paused.held,
                in_flight=paused.in_flight)
    return paused


def resume_all(ctx: Context, *, embargo_id: int | None = None,
               guards: Guards | None = None) -> Resumed:
    """Lift the embargoes in force (or the one ``embargo_id``, in force or planned); when
    none holds any more, release what they held."""
    now = ctx.now()
    with ctx.db.write() as conn:
        if embargo_id is not None:
            found = rows.by_id(conn, embargo_id)
            if found is None or found.lifted_at is not None:
                raise ValidationError(f"no embargo {embargo_id} to lift")
            targets = [found]
        else:
            targets = rows.every_in_force(conn, now)
        if not targets:
            planned = rows.upcoming(conn, now)
            hint = (f"; planned: {', '.join(str(e.id) for e in planned)} (lift one with --id)"
                    if planned else "")
            raise ValidationError(f"no embargo is in force{hint}")
        for embargo in targets:
            rows.lift(conn, embargo.id, ctx.user, now)
            act(conn, user=ctx.user, action="embargo_lift", entity="embargo",
                entity_id=embargo.id, now=now, reason=embargo.reason)
        resumed = Resumed(targets, rows.in_force(conn, now))
    if resumed.still is None:
        guards = guards or guards_for(ctx)
        if guards is not None:
            guards.clear_embargo([e.id for e in targets])
        resumed.released, resumed.missed = release_held(ctx)
    return resumed


def release_held(ctx: Context) -> tuple[int, int]:
    """Queue again what the embargo held, but miss what is past its window; returns
    (released, missed). Compare-and-set moves: two schedulers may run it at once."""
    released = missed = 0
    seen: set[int] = set()
    while True:
        now = ctx.now()
        with ctx.db.write() as conn:
            batch = [h for h in rows.held(conn, RELEASE_BATCH) if h[0] not in seen]
            for delivery_id, _, _ in batch:
                seen.add(delivery_id)
                delivery = delivery_rows.get(conn, delivery_id)
                if too_late(delivery, now):
                    missed += miss(conn, delivery, [D.HELD], now, ctx.settings.timezone)
                elif delivery_rows.move(conn, delivery_id, [D.HELD], D.QUEUED, now,
                                        error=None, error_kind=None, next_attempt_at=None):
                    delivery_rows.add_to_outbox(conn, delivery_id, queue_for(delivery.platform),
                                                now)
                    released += 1
        if len(batch) < RELEASE_BATCH:
            return released, missed


def enforce(ctx: Context, guards: Guards | None) -> None:
    """One scheduler tick's share: the flag mirrors the embargo in force (set again after a
    Redis restart), and deliveries held by an embargo that has ended are released."""
    now = ctx.now()
    with ctx.db.read() as conn:
        embargo = rows.in_force(conn, now)
        flag = guards.embargo() if guards else None
        held = rows.any_held(conn) if embargo is None else False
    if embargo is not None:
        if guards is not None and flag != (embargo.id, embargo.reason):
            guards.set_embargo(embargo.id, embargo.reason)
        return
    if guards is not None and flag is not None:
        guards.clear_embargo([flag[0]])
    if held:
        released, missed = release_held(ctx)
        log.info("embargo over, held deliveries released", released=released, missed=missed)


def status(ctx: Context, guards: Guards | None = None) -> dict:
    """The embargo in force (since when, until when), planned ones, and what it holds."""
    now = ctx.now()
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        current = rows.in_force(conn, now)
        planned = rows.upcoming(conn, now)
        held = rows.count_held(conn)
    guards = guards or guards_for(ctx)
    flag = guards.embargo() if guards else None
    return {"embargo": embargo_view(current, tz) if current else None,
            "planned": [embargo_view(e, tz) for e in planned],
            "held": held, "flag": flag is not None,
            "redis": guards is not None}


def paused_view(paused: Paused, tz: ZoneInfo) -> dict:
    """What ``pause --all --json`` and ``POST /api/v1/embargo`` answer."""
    return {**embargo_view(paused.embargo, tz), "in_force": paused.in_force,
            "held": paused.held, "in_flight": paused.in_flight}


def resumed_view(resumed: Resumed, tz: ZoneInfo) -> dict:
    """What ``resume --all --json`` and ``POST /api/v1/embargo/lift`` answer."""
    return {"lifted": [e.id for e in resumed.lifted], "released": resumed.released,
            "missed": resumed.missed,
            "still": embargo_view(resumed.still, tz) if resumed.still else None}


def embargo_view(embargo: Embargo, tz: ZoneInfo) -> dict:
    return {"id": embargo.id, "reason": embargo.reason, "since": local(embargo.starts_at, tz),
            "until": local(embargo.ends_at, tz), "by": embargo.created_by}


def next_change(ctx: Context) -> datetime | None:
    """The next moment an embargo starts or ends."""
    with ctx.db.read() as conn:
        return rows.next_change(conn, ctx.now())
