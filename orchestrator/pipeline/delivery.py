"""Carrying out one delivery: claim, guards, publish through the connector, record, roll up.

Transport-agnostic: the actor calls :func:`deliver` and re-sends the message with the
returned delay. Every outcome is committed before the message is acknowledged.

Before claiming, a delivery past its missed window becomes ``missed``, and one an embargo
holds (read from the database with the delivery) becomes ``held``; neither makes a request.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog

from connectors import retry
from connectors.base import Published, RenderedPost
from connectors.errors import ConfigError, OutcomeUnknown, PermanentError, PublishError
from connectors.registry import CONNECTORS
from orchestrator.domain.embargo import HELD_KIND, held_reason
from orchestrator.domain.model import Attempt, Channel, Delivery, Post
from orchestrator.domain.states import CLAIMABLE, ChannelState
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.pipeline.connections import connector_for
from orchestrator.pipeline.guards import Admission, Guards
from orchestrator.pipeline.rendering import idempotency_key, render
from orchestrator.pipeline.rollup import roll_up
from orchestrator.pipeline.windows import miss, too_late
from orchestrator.runtime import metrics
from orchestrator.runtime.context import Context
from orchestrator.runtime.secrets import SealError
from orchestrator.store import audit
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from orchestrator.store import work as work_rows
from orchestrator.store.db import Connection

log = structlog.get_logger("siaran.delivery")
WORKER = f"{socket.gethostname()}:{os.getpid()}"
#: The delivery's next state for each decision of the retry policy.
NEXT_STATUS = {retry.Action.RETRY: D.RETRY_WAIT, retry.Action.FAIL: D.FAILED,
               retry.Action.HOLD_CHANNEL: D.FAILED, retry.Action.RECONCILE: D.UNKNOWN}
#: The actor of the audit events of moves Siaran makes by itself.
SYSTEM = "siaran"
#: Outcomes counted as settled by ``siaran_deliveries_total`` (retry_wait comes back).
SETTLED = frozenset({D.PUBLISHED, D.FAILED, D.UNKNOWN, D.HELD})


@dataclass(frozen=True)
class Outcome:
    """What happened to a delivery; ``retry_in`` seconds when it must be tried again."""

    status: D
    retry_in: float | None = None


@dataclass(frozen=True)
class Claimed:
    delivery: Delivery
    post: Post
    channel: Channel
    sealed: str
    uploads: dict[str, str]
    #: The delivery as read before the claim (to give the claim back).
    before: Delivery
    admission: Admission = field(default_factory=Admission)


def deliver(ctx: Context, delivery_id: int, *, guards: Guards | None = None,
            message_id: str | None = None) -> Outcome | None:
    """Publish one delivery if this worker wins the claim; None when there was nothing to do."""
    now = ctx.now()
    claimed = _claim(ctx, delivery_id, guards, now)
    if not isinstance(claimed, Claimed):
        return claimed
    try:
        outcome = _send(ctx, claimed, guards, message_id)
    finally:
        if guards:  # admitted: in flight until its outcome is recorded
            guards.finished(delivery_id)
    if outcome.status in SETTLED:
        metrics.delivered(claimed.channel.platform, outcome.status)
    return outcome


def _send(ctx: Context, claimed: Claimed, guards: Guards | None, message_id: str | None
          ) -> Outcome:
    """Publish a claimed, admitted delivery and record what happened."""
    delivery, post, channel = claimed.delivery, claimed.post, claimed.channel
    delivery_id = delivery.id
    if not _credentials_open(ctx, claimed, ctx.now()):
        return Outcome(D.HELD)
    bound = log.bind(post_id=post.id, delivery_id=delivery_id, channel=channel.name,
                     platform=channel.platform, attempt=delivery.attempts)
    started = ctx.now()
    _lateness(claimed, started)
    rendered = render(post, delivery.platform, delivery.id, data_dir=ctx.settings.data_dir,
                      media_base_url=ctx.settings.media_base_url, uploads=claimed.uploads)
    clock = time.perf_counter()
    try:
        published = _publish(ctx, post, rendered, channel, claimed.sealed)
    except PublishError as error:
        metrics.attempted(channel.platform, error.kind, time.perf_counter() - clock)
        return _failed(ctx, claimed, rendered, error, started, message_id, guards, bound)
    except Exception as error:  # noqa: BLE001 - a bug after sending is an unknown outcome
        unknown = OutcomeUnknown(f"unexpected {type(error).__name__}: {error}",
                                 platform=channel.platform)
        metrics.attempted(channel.platform, unknown.kind, time.perf_counter() - clock)
        return _failed(ctx, claimed, rendered, unknown, started, message_id, guards, bound)
    metrics.attempted(channel.platform, None, time.perf_counter() - clock)
    if guards:
        guards.success(channel.id, claimed.admission)
        if published.quota_wait:
            guards.cool_down(channel.id, retry.cool_down_for(
                published.quota_wait, platform=channel.platform,
                give_up=ctx.settings.retry_give_up))
    with ctx.db.write() as conn:
        _finish(conn, claimed, rendered, D.PUBLISHED,
                _attempt(delivery, started, ctx.now(), "published"), message_id,
                external_id=published.external_id, permalink=published.permalink,
                error_kind=None, error=None, next_attempt_at=None)
    bound.info("delivery published", external_id=published.external_id)
    return Outcome(D.PUBLISHED)


def _lateness(claimed: Claimed, started: datetime) -> None:
    """Record how late the request starts: after its post's time (first attempt), or after
    the time its retry was due."""
    if not metrics.started():
        return
    due = (claimed.before.next_attempt_at if claimed.delivery.attempts > 1
           else claimed.post.scheduled_at)
    if due is not None:
        metrics.late(claimed.channel.platform, (started - due).total_seconds())


def _claim(ctx: Context, delivery_id: int, guards: Guards | None, now: datetime
           ) -> Claimed | Outcome | None:
    """Claim in one write transaction, then ask the guards.

    The guards answer from Redis; asking them after the commit keeps that round trip out of
    the write transaction (on SQLite, the lock every worker shares). A claim the guards
    turn away is given back before any request is made."""
    with ctx.db.write() as conn:
        taken = _take(conn, delivery_id, now, ctx.settings.timezone)
    if not isinstance(taken, Claimed):
        return taken
    channel = taken.channel
    admission = (guards.admit(channel.id, channel.posting_limits, delivery_id=delivery_id,
                              override_embargo=taken.delivery.overrides_embargo)
                 if guards else Admission())
    if admission.ok:
        return replace(taken, admission=admission)
    return _deferred(ctx, taken, admission, now)


def _deferred(ctx: Context, taken: Claimed, admission: Admission, now: datetime
              ) -> Outcome | None:
    """A guard turned the claim away: give it back to wait (capped), or give up."""
    before = taken.before
    decision = retry.defer(admission.wait, reason=admission.reason,
                           platform=taken.channel.platform, deferred=before.deferred_seconds,
                           give_up=ctx.settings.retry_give_up)
    with ctx.db.write() as conn:
        if decision.action is retry.Action.RETRY:
            until = now + timedelta(seconds=decision.delay)
            if not rows.give_back(conn, before, WORKER, until, admission.reason, now):
                return None
        else:
            if not rows.give_up_deferred(conn, before, WORKER, decision.reason,
                                         retry.DEFERRED_TOO_LONG, now):
                return None
            roll_up(conn, before.post_id, now)
    if decision.action is not retry.Action.RETRY:
        log.warning("delivery deferred too long, failed", delivery_id=before.id,
                    reason=decision.reason)
        metrics.delivered(taken.channel.platform, D.FAILED)
        return Outcome(D.FAILED)
    log.info("delivery deferred", delivery_id=before.id, reason=admission.reason,
             retry_in=round(decision.delay, 3), asked=round(admission.wait, 3))
    return Outcome(D.RETRY_WAIT, decision.delay)


def _take(conn: Connection, delivery_id: int, now: datetime, tz: ZoneInfo) -> Claimed | None:
    """Read what the attempt needs and claim the delivery for this worker."""
    work = work_rows.read(conn, delivery_id, now)
    if work is None:
        log.warning("message for an unknown delivery ignored", delivery_id=delivery_id)
        return None
    delivery, channel = work.delivery, work.channel
    if delivery.status not in CLAIMABLE:  # a duplicate message: nothing to claim
        return _skipped(delivery)
    if too_late(delivery, now):
        miss(conn, delivery, CLAIMABLE, now, tz)
        metrics.delivered(channel.platform, D.MISSED)
        return None
    if work.embargo is not None and not delivery.overrides_embargo:
        rows.move(conn, delivery_id, CLAIMABLE, D.HELD, now, error=held_reason(work.embargo),
                  error_kind=HELD_KIND)
        log.info("delivery held by the embargo", delivery_id=delivery_id)
        metrics.delivered(channel.platform, D.HELD)
        return None
    if channel.state is not ChannelState.ACTIVE:
        reason = f"channel {channel.name} {channel.state.described}"
        rows.move(conn, delivery_id, [D.QUEUED, D.RETRY_WAIT], D.HELD, now, error=reason)
        metrics.delivered(channel.platform, D.HELD)
        return None
    won = rows.claim(conn, delivery_id, WORKER, now)
    if won is None:
        return _skipped(delivery)
    # Uploads are remembered by earlier attempts only.
    uploads = (rows.uploads_of(conn, delivery_id, CONNECTORS[channel.platform].media_id_ttl, now)
               if delivery.attempts else {})
    claimed = replace(delivery, status=D.SENDING, attempts=won.attempts,
                      first_attempt_at=won.first_attempt_at, claimed_at=now,
                      claimed_by=WORKER, updated_at=now)
    post = post_rows.complete(conn, work.post_row, names=work.channel_names,
                              has_media=work.has_media)
    return Claimed(claimed, post, channel, work.sealed, uploads, before=delivery)


def _credentials_open(ctx: Context, claimed: Claimed, now: datetime) -> bool:
    """Credentials this process's key cannot open hold the delivery, before any request:
    it is never failed for a key that is missing here (restore the key, then resume)."""
    try:
        connector_for(ctx, claimed.channel, claimed.sealed)
        return True
    except SealError as error:
        name = claimed.channel.name
        reason = (f"{error}: restore the secret key the credentials were sealed with, then "
                  f"`siaran channel resume {name}`")
    with ctx.db.write() as conn:
        if rows.give_back(conn, claimed.before, WORKER, now, reason, now):
            rows.move(conn, claimed.before.id, [D.RETRY_WAIT], D.HELD, now, error=reason)
    log.error("delivery held: credentials cannot be decrypted", delivery_id=claimed.before.id,
              channel=name)
    return False


def _skipped(delivery: Delivery) -> None:
    """Another worker has it, or it is settled (say, a message delivered twice)."""
    log.info("delivery not claimable, skipped", delivery_id=delivery.id,
             status=delivery.status.value)


def _publish(ctx: Context, post: Post, rendered: RenderedPost, channel: Channel,
             sealed: str) -> Published:
    if post.content_hash != post.approved_hash:
        raise PermanentError("content changed after approval", platform=channel.platform)
    try:
        connector = connector_for(ctx, channel, sealed)
    except ConfigError as error:
        raise PermanentError(str(error), platform=channel.platform) from None
    return connector.publish(rendered, key=idempotency_key(post, rendered.delivery_id))


def _failed(ctx: Context, claimed: Claimed, rendered: RenderedPost, error: PublishError,
            started: datetime, message_id: str | None, guards: Guards | None, bound) -> Outcome:
    delivery, channel = claimed.delivery, claimed.channel
    finished = ctx.now()
    spent = 0
    if retry.spends_budget(error):
        with ctx.db.read() as conn:
            spent = rows.count_attempts(conn, delivery.id, retry.BUDGET_KINDS)
    first = delivery.first_attempt_at or started
    decision = retry.decide(error, platform=delivery.platform, attempts_spent=spent,
                            elapsed=(finished - first).total_seconds(),
                            give_up=ctx.settings.retry_give_up)
    _tell_guards(guards, channel.id, decision)
    status, delay = NEXT_STATUS[decision.action], decision.delay
    next_at = None if delay is None else finished + timedelta(seconds=delay)
    with ctx.db.write() as conn:
        _finish(conn, claimed, rendered, status,
                _attempt(delivery, started, finished, "error", error), message_id,
                error_kind=error.kind, error=str(error), next_attempt_at=next_at)
        if decision.action is retry.Action.HOLD_CHANNEL:
            _needs_reauth(conn, channel, str(error), finished)
    bound.warning("delivery attempt failed", error_kind=error.kind, error=str(error),
                  http_status=error.status, next_status=status.value, retry_in=delay,
                  decision=decision.reason)
    return Outcome(status, delay)


def _tell_guards(guards: Guards | None, channel_id: int, decision: retry.Decision) -> None:
    if guards is None:
        return
    if decision.cool_down:
        guards.cool_down(channel_id, decision.cool_down)
    elif decision.outage and guards.outage(channel_id):
        log.warning("circuit opened", channel_id=channel_id)


def _needs_reauth(conn: Connection, channel: Channel, reason: str, now: datetime) -> None:
    """The channel's token is dead: mark it and hold its waiting deliveries."""
    if channel_rows.move(conn, channel.id, ChannelState.ACTIVE, ChannelState.NEEDS_REAUTH):
        held = rows.hold_channel(conn, channel.id, f"channel needs re-authorisation: {reason}",
                                 now)
        audit.record(conn, actor=SYSTEM, action="channel_needs_reauth", entity="channel",
                     entity_id=channel.id, now=now, previous=ChannelState.ACTIVE.value,
                     reason=reason, held=held, worker=WORKER)
        log.warning("channel needs re-authorisation", channel=channel.name, held=held)


def _finish(conn: Connection, claimed: Claimed, rendered: RenderedPost, status: D,
            attempt: Attempt, message_id: str | None, **fields: object) -> None:
    delivery = claimed.delivery
    rows.record_attempt(conn, attempt, message_id)
    rows.save_uploads(conn, delivery.id, rendered.uploads, claimed.uploads, attempt.finished_at)
    # A definite answer also settles a delivery the sweeper meanwhile marked unknown.
    sources = [D.SENDING, D.UNKNOWN] if status in (D.PUBLISHED, D.FAILED) else [D.SENDING]
    rows.move(conn, delivery.id, sources, status, attempt.finished_at, **fields)
    roll_up(conn, delivery.post_id, attempt.finished_at)


def _attempt(delivery: Delivery, started: datetime, finished: datetime, outcome: str,
             error: PublishError | None = None) -> Attempt:
    return Attempt(delivery_id=delivery.id, started_at=started, finished_at=finished,
                   worker=WORKER, outcome=outcome,
                   http_status=error.status if error else None,
                   error_kind=error.kind if error else None,
                   excerpt=(error.excerpt or error.detail)[:500] if error else "")
