"""Reading published posts' engagement back from the platforms.

Published deliveries join the watch list with their first read one schedule step after
publishing (``SIARAN_ENGAGEMENT_SCHEDULE``); :func:`pull_due` reads those due, a channel at
a time in the connector's batches (X: 100 posts per request), stores a snapshot per post
and moves each to its next read. A platform that refuses (an error, a rate limit) leaves
the rest of that channel for the next round: the refusal is logged and noted on the watch
rows, and nothing else changes — a delivery's own state is never touched here.
:func:`pull_now` reads outside the schedule (``siaran engagement pull``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from connectors.errors import PublishError
from orchestrator.access.roles import act
from orchestrator.domain.engagement import next_age
from orchestrator.pipeline.connections import connector_for
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import engagement as rows
from orchestrator.store.engagement import Watched

log = structlog.get_logger("siaran.engagement")
#: Published deliveries put on the watch list per transaction.
ENROL_BATCH = 1000
#: The most due deliveries one round reads.
ROUND_LIMIT = 20_000
#: Posts read between two writes, for platforms read one post per request.
WRITE_EVERY = 50
Progress = Callable[[int, int], None]


@dataclass
class PullResult:
    """What one pull did."""

    read: int = 0
    missing: int = 0
    failed: int = 0
    #: Channel name → the platform's refusal, for channels left for the next round.
    errors: dict[str, str] = field(default_factory=dict)

    def view(self) -> dict:
        return {"read": self.read, "missing": self.missing, "failed": self.failed,
                "errors": dict(self.errors)}


def enrol(ctx: Context) -> int:
    """Put newly published deliveries on the watch list; how many were added."""
    first = next_age(ctx.settings.engagement_schedule, 0.0)
    added = 0
    while True:
        with ctx.db.write() as conn:
            found = rows.unwatched(conn, ENROL_BATCH)
            rows.watch(conn, [(d, at, None if first is None else at + timedelta(seconds=first))
                              for d, at in found])
        added += len(found)
        if len(found) < ENROL_BATCH:
            return added


def pull_due(ctx: Context, progress: Progress | None = None) -> PullResult:
    """One round of the schedule: enrol, then read what is due."""
    enrol(ctx)
    with ctx.db.read() as conn:
        due = rows.due(conn, ctx.now(), ROUND_LIMIT)
    return read(ctx, due, scheduled=True, progress=progress)


def pull_now(ctx: Context, post_id: int | None = None,
             progress: Progress | None = None) -> PullResult:
    """Read now, outside the schedule: one post's published deliveries, or every one still
    on its schedule. Authorised (operators) and audited."""
    enrol(ctx)
    with ctx.db.write() as conn:
        act(conn, user=ctx.user, action="engagement_pull",
            entity="post" if post_id is not None else "engagement", entity_id=post_id or 0,
            now=ctx.now())
        watched = rows.open_ones(conn, post_id)
    return read(ctx, watched, scheduled=False, progress=progress)


def read(ctx: Context, watched: list[Watched], *, scheduled: bool,
         progress: Progress | None = None) -> PullResult:
    """Read ``watched`` channel by channel; with ``scheduled``, move each to its next read."""
    result, done = PullResult(), 0
    by_channel: dict[int, list[Watched]] = {}
    for item in watched:
        by_channel.setdefault(item.channel_id, []).append(item)
    for channel_id, items in by_channel.items():
        with ctx.db.read() as conn:
            channel = channel_rows.by_id(conn, channel_id)
            sealed = channel_rows.sealed_credentials(conn, channel_id)
        connector = connector_for(ctx, channel, sealed)
        size = max(connector.metrics_batch, WRITE_EVERY)
        for start in range(0, len(items), size):
            chunk = items[start:start + size]
            try:
                got = connector.metrics([w.external_id for w in chunk])
            except Exception as error:  # noqa: BLE001 - any refusal waits for the next round
                reason = str(error) if isinstance(error, PublishError) else type(error).__name__
                left = items[start:]
                log.warning("engagement read refused", channel=channel.name,
                            platform=channel.platform, posts=len(left), error=reason)
                with ctx.db.write() as conn:
                    rows.failed(conn, [w.delivery_id for w in left], reason)
                result.failed += len(left)
                result.errors[channel.name] = reason
                done += len(left)
                if progress:
                    progress(done, len(watched))
                break
            _store(ctx, chunk, got, scheduled, result)
            done += len(chunk)
            if progress:
                progress(done, len(watched))
    return result


def _store(ctx: Context, chunk: list[Watched], got: dict, scheduled: bool,
           result: PullResult) -> None:
    now, steps = ctx.now(), ctx.settings.engagement_schedule
    taken, moved = [], []
    for w in chunk:
        found = got.get(w.external_id)
        if found is None:
            result.missing += 1
        else:
            taken.append((w.delivery_id, found.values(), dict(found.raw)))
            result.read += 1
        age = next_age(steps, (now - w.published_at).total_seconds())
        moved.append((w.delivery_id,
                      None if age is None else w.published_at + timedelta(seconds=age)))
    with ctx.db.write() as conn:
        rows.record(conn, taken, now)
        rows.advance(conn, moved, now, schedule=scheduled)
