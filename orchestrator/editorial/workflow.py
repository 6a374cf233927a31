"""The editorial workflow: create, submit, approve, reject, cancel.

Approval is bound to a hash of the exact content; it creates one delivery per target
channel. Every step is audited with the acting user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors.errors import InvalidTransition, NotFound, ValidationError
from orchestrator.access.roles import act, require_second_pair_of_eyes
from orchestrator.domain.model import OPTION_KEYS, PLATFORMS, VARIANT_KEYS, PostMedia
from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.editorial.validation import Finding, require_publishable
from orchestrator.media import files
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as rows
from orchestrator.store.db import Connection

P = PostStatus
D = DeliveryStatus
#: Deliveries that cancelling a post stops (one already sending cannot be called back).
STOPPABLE = (D.PENDING, D.QUEUED, D.RETRY_WAIT, D.HELD, D.MISSED)


def create_post(ctx: Context, *, title: str, text: str, pillar: str, channels: list[str],
                at: datetime | None = None, variants: dict[str, dict[str, str]] | None = None,
                media: list[tuple[str, str]] | None = None, options: dict | None = None,
                missed_after: float | None = None,
                place: Callable[[Connection, list[int], datetime], datetime] | None = None
                ) -> int:
    """Write a draft; a time in the past, an unknown channel or empty text is refused.

    ``media`` is a list of (file path, alt text); the files are copied into the media store.
    ``missed_after``: its window in seconds (None: the setting). ``place`` chooses its time
    inside the writing transaction, from the target channel ids and the time now (posting
    slots: :func:`schedules.slots.placer`).
    """
    variants = variants or {}
    options = options or {}
    problems = [f"{what} is empty" for what, value in
                (("title", title), ("text", text), ("pillar", pillar)) if not value.strip()]
    if not channels:
        problems.append("no channel given")
    problems += [f"variant for unknown platform {p!r}" for p in variants if p not in PLATFORMS]
    problems += [f"variant field {k!r} unknown (known: {', '.join(VARIANT_KEYS)})"
                 for v in variants.values() for k in v if k not in VARIANT_KEYS]
    problems += [f"option {k!r} unknown" for k in options if k not in OPTION_KEYS]
    now = ctx.now()
    if at is not None and at <= now:
        problems.append(f"scheduled time {at.isoformat()} is in the past")
    if missed_after is not None and missed_after <= 0:
        problems.append("the missed window must be longer than nothing")
    if problems:
        raise ValidationError("; ".join(problems))
    stored = tuple(_store_media(ctx, path, alt) for path, alt in media or [])
    with ctx.db.write() as conn:
        try:
            ids = [channel_rows.by_name(conn, name).id for name in dict.fromkeys(channels)]
        except NotFound as missing:
            raise NotFound(str(missing)) from None
        if place is not None:
            at = place(conn, ids, now)
        post_id = rows.insert_post(conn, title=title.strip(), pillar=pillar.strip(), body=text,
                                   variants=variants, scheduled_at=at, author=ctx.user,
                                   channel_ids=ids, now=now, media=stored, options=options,
                                   missed_after=missed_after)
        act(conn, user=ctx.user, action="create", entity="post", entity_id=post_id, now=now,
            scheduled_at=at)
    return post_id


def submit(ctx: Context, post_id: int) -> list[Finding]:
    """Send a draft to review; refused while any target channel would refuse it."""
    with ctx.db.read() as conn:
        post = rows.get(conn, post_id)
    warnings = require_publishable(ctx, post)
    _move(ctx, post_id, P.IN_REVIEW, "submit")
    return warnings


def reject(ctx: Context, post_id: int, reason: str = "") -> None:
    _move(ctx, post_id, P.REJECTED, "reject", reason=reason)


def approve(ctx: Context, post_id: int) -> list[Finding]:
    """Approve the exact content under review and create its deliveries."""
    with ctx.db.read() as conn:
        checked = rows.get(conn, post_id)
    warnings = require_publishable(ctx, checked)
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        require_second_pair_of_eyes(conn, ctx.user, post.author)
        if post.content_hash != checked.content_hash:
            raise InvalidTransition("post", "changed while being approved", "approved")
        digest = post.content_hash
        rows.move(conn, post_id, post.status, P.APPROVED, now, approver=ctx.user,
                  approved_hash=digest)
        delivery_rows.create(conn, post_id, rows.channel_ids(conn, post_id), now)
        act(conn, user=ctx.user, action="approve", entity="post", entity_id=post_id, now=now,
            content_hash=digest)
    return warnings


def cancel(ctx: Context, post_id: int) -> None:
    """Stop a post: its deliveries that have not been sent are cancelled."""
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        rows.move(conn, post_id, post.status, P.CANCELLED, now)
        for delivery in delivery_rows.for_post(conn, post_id):
            if delivery.status in STOPPABLE:
                delivery_rows.move(conn, delivery.id, STOPPABLE, D.CANCELLED, now)
        act(conn, user=ctx.user, action="cancel", entity="post", entity_id=post_id, now=now,
            previous=post.status.value)
        roll_up(conn, post_id, now)


def _store_media(ctx: Context, path: str, alt_text: str) -> PostMedia:
    stored = files.store(ctx.settings.data_dir, path)
    return PostMedia(stored.digest, stored.mime, stored.size, stored.ext, alt_text.strip())


def _move(ctx: Context, post_id: int, target: PostStatus, action: str, **detail: object
          ) -> None:
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        rows.move(conn, post_id, post.status, target, now)
        act(conn, user=ctx.user, action=action, entity="post", entity_id=post_id, now=now,
            **detail)
