"""The editorial workflow: create, submit, approve, reject (with a reason), cancel.

Approval is bound to a hash of the exact content; it creates one delivery per target
channel, and an edit afterwards (:mod:`orchestrator.editorial.editing`) withdraws them and
sends the post back to draft. Every step is audited with the acting user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors import registry
from connectors.errors import InvalidTransition, NotFound, ValidationError
from connectors.wording import Listed, Said
from orchestrator.access.roles import act, authorize, require_second_pair_of_eyes
from orchestrator.domain.model import OPTION_KEYS, VARIANT_KEYS, PostMedia
from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.domain.times import shown
from orchestrator.editorial.validation import Finding, require_publishable
from orchestrator.media import files
from orchestrator.pipeline.rollup import roll_up
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as rows
from orchestrator.store import reviews
from orchestrator.store.db import Connection

P = PostStatus
D = DeliveryStatus
#: Deliveries that cancelling a post stops (one already sending cannot be called back).
STOPPABLE = (D.PENDING, D.QUEUED, D.RETRY_WAIT, D.HELD, D.MISSED)


def create_post(ctx: Context, *, title: str, text: str, pillar: str, channels: list[str],
                at: datetime | None = None, variants: dict[str, dict[str, str]] | None = None,
                media: list[tuple[str, str] | PostMedia] | None = None,
                options: dict | None = None, missed_after: float | None = None,
                place: Callable[[Connection, list[int], datetime], datetime] | None = None
                ) -> int:
    """Write a draft; a time in the past, an unknown channel or empty text is refused.

    ``media`` is a list of (file path, alt text), the files copied into the media store, or
    of media already stored (:class:`~orchestrator.domain.model.PostMedia`).
    ``missed_after``: its window in seconds (None: the setting). ``place`` chooses its time
    inside the writing transaction, from the target channel ids and the time now (posting
    slots: :func:`schedules.slots.placer`).
    """
    variants = variants or {}
    options = options or {}
    now = ctx.now()
    problems = content_problems(ctx, now, title=title, text=text, pillar=pillar,
                                channels=channels, variants=variants, options=options, at=at)
    if missed_after is not None and missed_after <= 0:
        problems.append(("missed_after", Said("the missed window must be longer than "
                                              "nothing")))
    refuse(problems)
    if media:  # nothing is copied into the store for a post that would be refused
        with ctx.db.read() as conn:
            authorize(conn, ctx.user, "create")
            _channel_ids(conn, channels)
    stored = tuple(m if isinstance(m, PostMedia) else store_media(ctx, *m) for m in media or [])
    with ctx.db.write() as conn:
        ids = _channel_ids(conn, channels)
        if place is not None:
            at = place(conn, ids, now)
        post_id = rows.insert_post(conn, title=title.strip(), pillar=pillar.strip(), body=text,
                                   variants=variants, scheduled_at=at, author=ctx.user,
                                   channel_ids=ids, now=now, media=stored, options=options,
                                   missed_after=missed_after)
        act(conn, user=ctx.user, action="create", entity="post", entity_id=post_id, now=now,
            scheduled_at=at)
    return post_id


def media_pairs(paths: list[str], alts: list[str]) -> list[tuple[str, str]]:
    """Media files paired in order with their alt texts; the counts must match (an empty
    alt text is given as ``""``), else which alt text belongs to which file is a guess."""
    if len(paths) != len(alts):
        raise ValidationError(f"{len(paths)} media file{'s' if len(paths) != 1 else ''} "
                              f"but {len(alts)} alt text{'s' if len(alts) != 1 else ''}: "
                              "give one --alt per --media, in the same order "
                              "(--alt '' for a video without one)")
    return list(zip(paths, alts, strict=True))


def submit(ctx: Context, post_id: int) -> list[Finding]:
    """Send a draft to review; refused while any target channel would refuse it."""
    with ctx.db.read() as conn:
        post = rows.get(conn, post_id)
    warnings = require_publishable(ctx, post)
    _move(ctx, post_id, P.IN_REVIEW, "submit")
    return warnings


def reject(ctx: Context, post_id: int, reason: str) -> None:
    """Send a post under review back to its author, saying why; they may edit it and
    submit it again."""
    if not reason or not reason.strip():
        raise ValidationError(Said("a rejection needs a reason, which the author is shown"))
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        rows.move(conn, post_id, post.status, P.REJECTED, now)
        reviews.record(conn, post, reviewer=str(ctx.user), outcome="reject", now=now)
        act(conn, user=ctx.user, action="reject", entity="post", entity_id=post_id, now=now,
            reason=reason.strip())


def approve(ctx: Context, post_id: int) -> list[Finding]:
    """Approve the exact content under review and create its deliveries; a post without a
    time marked ``on_approval`` falls due now (the scheduler publishes it)."""
    with ctx.db.read() as conn:
        checked = rows.get(conn, post_id)
    warnings = require_publishable(ctx, checked)
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        require_second_pair_of_eyes(conn, ctx.user, post.author, post_id)
        if post.content_hash != checked.content_hash:
            raise InvalidTransition(Said("post"), Said("changed while being approved"), "approved")
        digest = post.content_hash
        # published on approval: due now, so the scheduler's next pass dispatches it
        due = ({"scheduled_at": now}
               if post.scheduled_at is None and post.options.get("on_approval") else {})
        rows.move(conn, post_id, post.status, P.APPROVED, now, approver=ctx.user,
                  approved_hash=digest, **due)
        delivery_rows.create(conn, post_id, rows.channel_ids(conn, post_id), now)
        reviews.record(conn, post, reviewer=str(ctx.user), outcome="approve", now=now)
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


#: What an empty field is told.
EMPTY = {"title": Said("title is empty"), "text": Said("text is empty"),
         "pillar": Said("pillar is empty")}


def content_problems(ctx: Context, now: datetime, *, title: str | None = None,
                     text: str | None = None, pillar: str | None = None,
                     channels: list[str] | None = None, variants: dict | None = None,
                     options: dict | None = None, at: datetime | None = None
                     ) -> list[tuple[str, str]]:
    """Every problem of the given fields as (field, message), None meaning "not given";
    the CLI prints the messages, the HTTP API names the fields."""
    problems = [(what, EMPTY[what]) for what, value in
                (("title", title), ("text", text), ("pillar", pillar))
                if value is not None and not value.strip()]
    if channels is not None and not channels:
        problems.append(("channels", Said("no channel given")))
    variants = variants or {}
    problems += [(f"variants/{p}", Said("variant for unknown platform {platform!r}",
                                         platform=p))
                 for p in variants if p not in registry.names()]
    problems += [(f"variants/{p}/{k}", Said("variant field {field!r} unknown (known: {known})",
                                             field=k, known=", ".join(VARIANT_KEYS)))
                 for p, v in variants.items() for k in v if k not in VARIANT_KEYS]
    problems += [(f"options/{k}", Said("option {option!r} unknown", option=k))
                 for k in options or {} if k not in OPTION_KEYS]
    on_approval = (options or {}).get("on_approval")
    if on_approval not in (None, True, False):
        problems.append(("options/on_approval", Said("on_approval is true or false")))
    elif on_approval and at is not None:
        problems.append(("options/on_approval", Said(
            "a post with a time is published at that time; publishing on approval is for a "
            "post without one")))
    if at is not None and at <= now:
        tz = ctx.settings.timezone
        problems.append(("at", Said("scheduled time {at} is in the past (it is now {now})",
                                    at=shown(at, tz), now=shown(now, tz))))
    return problems


def refuse(problems: list[tuple[str, str]]) -> None:
    """Raise ValidationError listing every problem, when there is one."""
    if problems:
        raise ValidationError(Listed([message for _, message in problems]), problems)


def _channel_ids(conn, names: list[str]) -> list[int]:
    try:
        return [channel_rows.by_name(conn, name).id for name in dict.fromkeys(names)]
    except NotFound as missing:
        raise NotFound(missing.said) from None


def store_media(ctx: Context, path: str, alt_text: str) -> PostMedia:
    """Copy a file into the media store; the post's record of it, with its alt text."""
    stored = files.store(ctx.settings.data_dir, path)
    return PostMedia(stored.digest, stored.mime, stored.size, stored.ext, alt_text.strip(),
                     stored.source_name)


def _move(ctx: Context, post_id: int, target: PostStatus, action: str, **detail: object
          ) -> None:
    now = ctx.now()
    with ctx.db.write() as conn:
        post = rows.get(conn, post_id)
        rows.move(conn, post_id, post.status, target, now)
        act(conn, user=ctx.user, action=action, entity="post", entity_id=post_id, now=now,
            **detail)
