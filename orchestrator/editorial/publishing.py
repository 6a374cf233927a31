"""Starting publication: an approved post's deliveries go to the outbox in one transaction."""

from __future__ import annotations

from datetime import datetime

from connectors.errors import AccessDenied, InvalidTransition, ValidationError
from connectors.wording import Said
from orchestrator.access.roles import act, authorize
from orchestrator.domain.embargo import HELD_KIND, Embargo, held_reason
from orchestrator.domain.states import ChannelState, DeliveryStatus, PostStatus
from orchestrator.domain.windows import MISSED
from orchestrator.editorial.views import local
from orchestrator.editorial.workflow import STOPPABLE
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import deliveries as rows
from orchestrator.store import embargoes as embargo_rows
from orchestrator.store import posts as post_rows
from orchestrator.store.db import Connection

D = DeliveryStatus
#: Post states in which publish-now sends the deliveries that missed their window.
WITH_MISSED = (PostStatus.MISSED, PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED)


def start_publishing(conn: Connection, post_id: int, now: datetime, actor: str,
                     reason: str, *, not_after: datetime | None = None,
                     missed: str | None = None, embargo: str | None = None,
                     overrides_embargo: bool = False) -> int:
    """Move an approved post to publishing and queue its deliveries; returns how many.

    ``not_after``: the latest moment they may start (the missed window); ``missed``: too
    late already, the deliveries are missed for this reason; ``embargo``: the reason of an
    embargo in force, which holds them (unless ``overrides_embargo``). A post that is not
    approved (another scheduler took it) raises InvalidTransition."""
    post_rows.move(conn, post_id, PostStatus.APPROVED, PostStatus.PUBLISHING, now)
    active = []
    for delivery_id, name, platform, state in rows.pending_targets(conn, post_id):
        if missed is not None:
            rows.move(conn, delivery_id, [D.PENDING], D.MISSED, now, error=missed,
                      error_kind=MISSED)
        elif state != ChannelState.ACTIVE.value:
            rows.move(conn, delivery_id, [D.PENDING], D.HELD, now,
                      error=f"channel {name} {ChannelState(state).described}",
                      not_after=not_after)
        elif embargo is not None and not overrides_embargo:
            rows.move(conn, delivery_id, [D.PENDING], D.HELD, now,
                      error=held_reason(embargo), error_kind=HELD_KIND, not_after=not_after)
        else:
            active.append((delivery_id, queue_for(platform)))
    queued = rows.queue_pending(conn, active, now, not_after=not_after,
                                overrides_embargo=overrides_embargo)
    audit.record(conn, actor=actor, action=reason, entity="post", entity_id=post_id, now=now,
                 queued=queued, **({"missed": missed} if missed else {}),
                 **({"embargo": embargo} if embargo and not overrides_embargo else {}))
    roll_up(conn, post_id, now)
    return queued


def publish_now(ctx: Context, post_id: int, *, override_embargo: str | None = None) -> int:
    """Publish a post immediately, whatever its scheduled time: an approved one, or the
    deliveries of one that missed their window. Returns how many deliveries were queued.

    During an embargo it is refused, unless an admin overrides the embargo, giving the
    reason (``override_embargo``); the override is audited."""
    now = ctx.now()
    with ctx.db.write() as conn:
        post = post_rows.get(conn, post_id)
        if post.status is not PostStatus.APPROVED and post.status not in WITH_MISSED:
            raise InvalidTransition(Said("post"), post.status.value, PostStatus.PUBLISHING.value)
        authorize(conn, ctx.user, "publish_now")
        embargo = embargo_rows.in_force(conn, now)
        overrides = _override(conn, ctx, post_id, embargo, override_embargo, now)
        if post.status is PostStatus.APPROVED:
            return start_publishing(conn, post_id, now, ctx.user, "publish_now",
                                    overrides_embargo=overrides)
        return _send_missed(conn, post.id, post.status, ctx.user, now, overrides)


def _override(conn: Connection, ctx: Context, post_id: int, embargo: Embargo | None,
              reason: str | None, now: datetime) -> bool:
    """True when the deliveries go through an embargo in force, on an admin's word."""
    user = ctx.user
    if reason is not None and not reason.strip():
        raise ValidationError(Said("overriding the embargo needs a reason"))
    if embargo is None:
        return False
    if reason is None:
        raise AccessDenied(Said("an embargo holds every channel since {since} ({reason}): "
                                "publish-now is refused unless an admin overrides the "
                                "embargo, with a reason",
                                since=local(embargo.starts_at, ctx.settings.timezone),
                                reason=embargo.reason))
    authorize(conn, user, "override_embargo")
    audit.record(conn, actor=user, action="override_embargo", entity="post", entity_id=post_id,
                 now=now, embargo=embargo.id, embargo_reason=embargo.reason,
                 reason=reason.strip())
    return True


def _send_missed(conn: Connection, post_id: int, status: PostStatus, user: str, now: datetime,
                 overrides: bool) -> int:
    """Queue the deliveries of a post that missed their window, now and without limit."""
    missed = [d for d in rows.for_post(conn, post_id) if d.status is D.MISSED]
    if not missed:
        raise InvalidTransition(Said("post"), status.value, Said(
            "{state} (nothing missed its window; retry failed deliveries)",
            state=PostStatus.PUBLISHING.value))
    post_rows.move(conn, post_id, status, PostStatus.PUBLISHING, now)
    for delivery in missed:
        rows.move(conn, delivery.id, [D.MISSED], D.QUEUED, now, not_after=None, error=None,
                  overrides_embargo=overrides)
        rows.add_to_outbox(conn, delivery.id, queue_for(delivery.platform), now)
    audit.record(conn, actor=user, action="publish_now", entity="post", entity_id=post_id,
                 now=now, queued=len(missed), previous=status.value)
    return len(missed)


def retry_delivery(ctx: Context, delivery_id: int, *, force: bool = False) -> None:
    """Queue a delivery again, now: a ``failed`` or ``missed`` one, or one waiting in
    ``retry_wait`` (a backoff, or a guard's deferral); an ``unknown`` one only with
    ``force``. It is sent whatever its window (an operator asked for it).

    An unknown delivery may already be on the platform: retrying it blindly can post twice,
    so the operator must say they checked. The time the channel's guards made it wait
    starts again from nothing; the guards themselves still apply.
    """
    now = ctx.now()
    sources = [D.FAILED, D.RETRY_WAIT, D.MISSED, *([D.UNKNOWN] if force else [])]
    with ctx.db.write() as conn:
        delivery = rows.get(conn, delivery_id)
        if delivery.status is D.UNKNOWN and not force:
            raise InvalidTransition(Said("delivery"), "unknown", Said(
                "queued (check the platform, then retry with --force)"))
        if not rows.move(conn, delivery_id, sources, D.QUEUED, now, next_attempt_at=None,
                         deferred_seconds=0.0, not_after=None):
            raise InvalidTransition(Said("delivery"), delivery.status.value, D.QUEUED.value)
        rows.add_to_outbox(conn, delivery_id, queue_for(delivery.platform), now)
        post = post_rows.get(conn, delivery.post_id)
        if post.status in WITH_MISSED:
            post_rows.move(conn, post.id, post.status, PostStatus.PUBLISHING, now)
        act(conn, user=ctx.user, action="retry", entity="delivery", entity_id=delivery_id,
            now=now, previous=delivery.status.value)


def resolve_delivery(ctx: Context, delivery_id: int, *, published: bool,
                     permalink: str | None = None, external_id: str | None = None) -> None:
    """An operator settles an ``unknown`` delivery after looking at the platform."""
    now = ctx.now()
    target = D.PUBLISHED if published else D.FAILED
    fields: dict[str, object] = {"error": f"resolved by {ctx.user} as {target.value}"}
    if published:
        fields.update(external_id=external_id, permalink=permalink, error_kind=None)
    with ctx.db.write() as conn:
        delivery = rows.get(conn, delivery_id)
        if not rows.move(conn, delivery_id, [D.UNKNOWN], target, now, **fields):
            raise InvalidTransition(Said("delivery"), delivery.status.value, Said(
                "{state} (only an unknown delivery is resolved)", state=target.value))
        act(conn, user=ctx.user, action="resolve", entity="delivery", entity_id=delivery_id,
            now=now, result=target.value, permalink=permalink)
        roll_up(conn, delivery.post_id, now)


def cancel_delivery(ctx: Context, delivery_id: int) -> None:
    """Stop one delivery that has not been sent (the post's others go on)."""
    now = ctx.now()
    with ctx.db.write() as conn:
        delivery = rows.get(conn, delivery_id)
        authorize(conn, ctx.user, "delivery_cancel")
        if not rows.move(conn, delivery_id, STOPPABLE, D.CANCELLED, now,
                         error=f"cancelled by {ctx.user}"):
            raise InvalidTransition(Said("delivery"), delivery.status.value, D.CANCELLED.value)
        act(conn, user=ctx.user, action="delivery_cancel", entity="delivery",
            entity_id=delivery_id, now=now, previous=delivery.status.value)
        roll_up(conn, delivery.post_id, now)
