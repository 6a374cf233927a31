"""Starting publication: an approved post's deliveries go to the outbox in one transaction."""

from __future__ import annotations

from datetime import datetime

from connectors.errors import InvalidTransition
from orchestrator.access.roles import act, authorize
from orchestrator.domain.states import ChannelState, DeliveryStatus, PostStatus
from orchestrator.editorial.workflow import STOPPABLE
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from orchestrator.store.db import Connection

D = DeliveryStatus


def start_publishing(conn: Connection, post_id: int, now: datetime, actor: str,
                     reason: str) -> int:
    """Move an approved post to publishing and queue its deliveries; returns how many.

    A post that is not approved (another scheduler took it) raises InvalidTransition."""
    post_rows.move(conn, post_id, PostStatus.APPROVED, PostStatus.PUBLISHING, now)
    active = []
    for delivery_id, name, platform, state in rows.pending_targets(conn, post_id):
        if state == ChannelState.ACTIVE.value:
            active.append((delivery_id, queue_for(platform)))
        else:
            rows.move(conn, delivery_id, [D.PENDING], D.HELD, now,
                      error=f"channel {name} {ChannelState(state).described}")
    queued = rows.queue_pending(conn, active, now)
    audit.record(conn, actor=actor, action=reason, entity="post", entity_id=post_id, now=now,
                 queued=queued)
    roll_up(conn, post_id, now)
    return queued


def publish_now(ctx: Context, post_id: int) -> int:
    """Publish an approved post immediately, whatever its scheduled time."""
    now = ctx.now()
    with ctx.db.write() as conn:
        post = post_rows.get(conn, post_id)
        if post.status is not PostStatus.APPROVED:
            raise InvalidTransition("post", post.status.value, PostStatus.PUBLISHING.value)
        authorize(conn, ctx.user, "publish_now")
        return start_publishing(conn, post_id, now, ctx.user, "publish_now")


def retry_delivery(ctx: Context, delivery_id: int, *, force: bool = False) -> None:
    """Queue a delivery again, now: a ``failed`` one, or one waiting in ``retry_wait`` (a
    backoff, or a guard's deferral); an ``unknown`` one only with ``force``.

    An unknown delivery may already be on the platform: retrying it blindly can post twice,
    so the operator must say they checked. The time the channel's guards made it wait
    starts again from nothing; the guards themselves still apply.
    """
    now = ctx.now()
    sources = [D.FAILED, D.RETRY_WAIT, *([D.UNKNOWN] if force else [])]
    with ctx.db.write() as conn:
        delivery = rows.get(conn, delivery_id)
        if delivery.status is D.UNKNOWN and not force:
            raise InvalidTransition("delivery", "unknown", "queued (check the platform, "
                                    "then retry with --force)")
        if not rows.move(conn, delivery_id, sources, D.QUEUED, now, next_attempt_at=None,
                         deferred_seconds=0.0):
            raise InvalidTransition("delivery", delivery.status.value, D.QUEUED.value)
        rows.add_to_outbox(conn, delivery_id, queue_for(delivery.platform), now)
        post = post_rows.get(conn, delivery.post_id)
        if post.status in (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED):
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
            raise InvalidTransition("delivery", delivery.status.value,
                                    f"{target.value} (only an unknown delivery is resolved)")
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
            raise InvalidTransition("delivery", delivery.status.value, D.CANCELLED.value)
        act(conn, user=ctx.user, action="delivery_cancel", entity="delivery",
            entity_id=delivery_id, now=now, previous=delivery.status.value)
        roll_up(conn, delivery.post_id, now)
