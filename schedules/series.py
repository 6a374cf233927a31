"""Series: a post repeated by a recurrence rule, its occurrences written ahead of time.

``post create … --at TIME --repeat RRULE`` writes the first occurrence (checked like any
post) and the series; the scheduler writes the following occurrences as ordinary posts over
a rolling horizon (``HORIZON``, at most ``PER_PASS`` per series and ``SERIES_PER_TICK``
series per tick), each linked to its series, so the calendar, deliveries and retries treat
them like any post. Submitting or approving an occurrence whose content is the series'
submits or approves the series: every occurrence with that content follows, and those
written later are born approved, with the same content hash. An occurrence that is edited
leaves the series' approval (it needs its own); one that is cancelled leaves the rest be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.errors import InvalidTransition, ValidationError
from connectors.wording import Said
from orchestrator.access.roles import act, require_second_pair_of_eyes
from orchestrator.domain.model import Post, content_hash
from orchestrator.domain.series import Recurrence, Series, SeriesStatus
from orchestrator.domain.states import PostStatus
from orchestrator.editorial import editing, workflow
from orchestrator.editorial.validation import Finding, require_publishable
from orchestrator.editorial.views import local
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as post_rows
from orchestrator.store import reviews
from orchestrator.store import series as rows
from orchestrator.store.db import Connection

S, P = SeriesStatus, PostStatus
#: How far ahead occurrences are written as posts.
HORIZON = timedelta(days=35)
#: Occurrences written per series in one pass, and series extended per scheduler tick.
PER_PASS = 20
SERIES_PER_TICK = 10
#: Occurrences a series cancellation or view leaves alone: already going out, or done.
STARTED = frozenset({P.PUBLISHING, P.PUBLISHED, P.PARTIALLY_PUBLISHED, P.FAILED, P.MISSED,
                     P.CANCELLED})


@dataclass(frozen=True)
class Made:
    series_id: int
    first_post_id: int
    first_at: datetime


def create_series(ctx: Context, *, rule: str, at: datetime, title: str, text: str,
                  pillar: str, channels: list[str], **post: object) -> Made:
    """A series from its first time ``at`` and rule; its first occurrence is written (and
    checked) like any post, the rest up to the horizon follow as drafts."""
    office = ctx.settings.timezone
    recurrence = Recurrence(rule, at, office)
    first_at = recurrence.first(at)
    post_id = workflow.create_post(ctx, title=title, text=text, pillar=pillar,
                                   channels=channels, at=first_at, **post)
    now = ctx.now()
    with ctx.db.write() as conn:
        first = post_rows.get(conn, post_id)
        series_id = rows.add_from(conn, first, post_rows.channel_ids(conn, post_id),
                                  rule=recurrence.text, starts_at=at, timezone=office.key,
                                  refill_at=now, now=now)
        act(conn, user=ctx.user, action="series_create", entity="series", entity_id=series_id,
            now=now, rule=recurrence.text, first=first_at, post=post_id)
        _extend(conn, rows.get(conn, series_id), now)
    return Made(series_id, post_id, first_at)


def extend_due(ctx: Context, *, limit: int = SERIES_PER_TICK) -> int:
    """Write the occurrences that have come within the horizon; returns how many (bounded
    work: the scheduler calls it every tick)."""
    now = ctx.now()
    with ctx.db.read() as conn:
        due = rows.due_for_refill(conn, now, limit)
    written = 0
    for series_id in due:
        with ctx.db.write() as conn:
            written += _extend(conn, rows.get(conn, series_id), now)
    return written


def next_refill(ctx: Context) -> datetime | None:
    with ctx.db.read() as conn:
        return rows.next_refill(conn)


def _extend(conn: Connection, found: Series, now: datetime) -> int:
    """Write the next occurrences within the horizon (at most PER_PASS)."""
    if found.status is S.CANCELLED or found.materialised_until is None:
        return 0
    recurrence = Recurrence(found.rule, found.starts_at, found.zone)
    coming = recurrence.after(found.materialised_until, limit=PER_PASS + 1)
    batch = [at for at in coming[:PER_PASS] if at <= now + HORIZON]
    following = coming[len(batch)] if len(coming) > len(batch) else None
    refill_at = None if following is None else max(now, following - HORIZON)
    until = batch[-1] if batch else found.materialised_until
    if not rows.advance(conn, found, until, len(batch), refill_at, now):
        return 0  # another scheduler extended it first, or it was cancelled
    # Read again after the compare-and-set (on PostgreSQL it waited for the row lock of an
    # approval that may have committed since): occurrences are born in its present state.
    current = rows.get(conn, found.id)
    for at in batch:
        rows.write_occurrence(conn, current, at, now)
    return len(batch)


def template_hash(conn: Connection, found: Series) -> str:
    """The content hash of an occurrence as the series wrote it."""
    names = tuple(sorted(channel_rows.by_id(conn, c).name for c in found.channel_ids))
    return content_hash(found.title, found.pillar, found.body, names, found.variants,
                        found.media, found.options)


def follows_series(conn: Connection, post: Post, status: SeriesStatus
                   ) -> Series | None:
    """The post's series if it is in ``status`` and the post still has its content."""
    if post.series_id is None:
        return None
    found = rows.get(conn, post.series_id)
    if found.status is not status or post.content_hash != template_hash(conn, found):
        return None
    return found


def submit_series(ctx: Context, series_id: int, sample: Post) -> list[Finding]:
    """Send a draft series to review: every draft occurrence with its content follows.
    ``sample`` is one of them, checked against every target channel's rules."""
    warnings = require_publishable(ctx, sample)
    now = ctx.now()
    with ctx.db.write() as conn:
        found = rows.get(conn, series_id)
        digest = template_hash(conn, found)
        rows.move(conn, series_id, S.DRAFT, S.IN_REVIEW, now)
        moved = _follow(conn, ctx.user, found, digest, P.DRAFT, P.IN_REVIEW, "submit", now)
        act(conn, user=ctx.user, action="series_submit", entity="series", entity_id=series_id,
            now=now, occurrences=[post.id for post in moved])
    return warnings


def approve_series(ctx: Context, series_id: int, sample: Post) -> tuple[list[Finding],
                                                                         list[int]]:
    """Approve a series under review: it and every occurrence under review with its content
    are approved with one content hash, and their deliveries written. Returns the warnings
    and the approved posts."""
    warnings = require_publishable(ctx, sample)
    now = ctx.now()
    with ctx.db.write() as conn:
        found = rows.get(conn, series_id)
        require_second_pair_of_eyes(conn, ctx.user, found.author)
        digest = template_hash(conn, found)
        if sample.content_hash != digest:
            raise InvalidTransition(Said("series"), Said("changed while being approved"),
                                    "approved")
        rows.move(conn, series_id, S.IN_REVIEW, S.APPROVED, now, approver=ctx.user,
                  approved_hash=digest)
        approved = _follow(conn, ctx.user, found, digest, P.IN_REVIEW, P.APPROVED, "approve",
                           now, approver=ctx.user, approved_hash=digest)
        for post in approved:
            delivery_rows.create(conn, post.id, post_rows.channel_ids(conn, post.id), now)
            # what was approved, as for a single post: a later edit is reviewed against it
            reviews.record(conn, post, reviewer=str(ctx.user), outcome="approve", now=now)
        act(conn, user=ctx.user, action="series_approve", entity="series",
            entity_id=series_id, now=now, content_hash=digest, occurrences=len(approved))
    return warnings, [post.id for post in approved]


def _follow(conn: Connection, user: str, found: Series, digest: str, current: P, target: P,
            action: str, now: datetime, **fields: object) -> list[Post]:
    """Move the occurrences in ``current`` that carry the series' content; those posts."""
    moved = []
    for post in rows.occurrences(conn, found.id):
        if post.status is current and post.content_hash == digest:
            post_rows.move(conn, post.id, current, target, now, **fields)
            act(conn, user=user, action=action, entity="post", entity_id=post.id, now=now,
                series=found.id)
            moved.append(post)
    return moved


def edit_occurrence(ctx: Context, post_id: int, *, title: str | None = None,
                    text: str | None = None, at: datetime | None = None) -> Post:
    """Change one occurrence, by the one edit rule (:mod:`orchestrator.editorial.editing`):
    it goes back to draft and needs its own approval (its deliveries are written again
    then); the rest of the series is untouched."""
    with ctx.db.read() as conn:
        if post_rows.get(conn, post_id).series_id is None:
            raise ValidationError(Said("post {post} is not an occurrence of a series",
                                       post=str(post_id)))
    changes = {k: v for k, v in (("title", title), ("text", text), ("at", at)) if v is not None}
    if not changes:
        raise ValidationError(Said("nothing to change: give --title, --text or --at"))
    editing.edit_post(ctx, post_id, **changes)
    with ctx.db.read() as conn:
        return post_rows.get(conn, post_id)


def cancel_series(ctx: Context, series_id: int) -> list[int]:
    """Stop a series: no more occurrences, and those not yet going out are cancelled.
    Returns the cancelled posts."""
    now = ctx.now()
    with ctx.db.write() as conn:
        found = rows.get(conn, series_id)
        if found.status is S.CANCELLED:
            raise InvalidTransition(Said("series"), found.status.value, S.CANCELLED.value)
        rows.move(conn, series_id, found.status, S.CANCELLED, now, refill_at=None)
        act(conn, user=ctx.user, action="series_cancel", entity="series",
            entity_id=series_id, now=now, previous=found.status.value)
        waiting = [p.id for p in rows.occurrences(conn, series_id)
                   if p.status not in STARTED and p.status is not P.REJECTED]
    for post_id in waiting:
        workflow.cancel(ctx, post_id)
    return waiting


def list_series(ctx: Context) -> list[tuple[Series, list[Post]]]:
    with ctx.db.read() as conn:
        return [(s, rows.occurrences(conn, s.id)) for s in rows.every(conn)]


def show_series(ctx: Context, series_id: int) -> tuple[Series, list[Post], str]:
    """A series, its occurrences so far, and its content hash."""
    with ctx.db.read() as conn:
        found = rows.get(conn, series_id)
        return found, rows.occurrences(conn, series_id), template_hash(conn, found)


def series_view(found: Series, occurrences: list[Post], tz: ZoneInfo,
                digest: str | None = None) -> dict:
    """A series and its occurrences; ``own_approval``: edited away from the series'
    content."""
    upcoming = [p for p in occurrences if p.status not in STARTED]
    shown = {"id": found.id, "rule": found.rule, "first": local(found.starts_at, tz),
             "status": found.status.value, "title": found.title, "pillar": found.pillar,
             "author": found.author, "approver": found.approver,
             "written": found.materialised, "ended": found.ended,
             "next": local(upcoming[0].scheduled_at, tz) if upcoming else None}
    if digest is not None:
        shown["occurrences"] = [
            {"id": p.id, "scheduled_at": local(p.scheduled_at, tz),
             "occurrence_at": local(p.occurrence_at, tz), "status": p.status.value,
             "own_approval": p.content_hash != digest or p.scheduled_at != p.occurrence_at}
            for p in occurrences]
    return shown
