"""Post rows and their target channels."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select

from connectors.errors import InvalidTransition, NotFound
from connectors.wording import Said
from orchestrator.domain.model import Post, PostMedia
from orchestrator.domain.states import PostStatus, move_post
from orchestrator.store import moves
from orchestrator.store import pillars as pillar_rows
from orchestrator.store.schema import channels, deliveries, post_channels, post_media, posts


def insert_post(conn: Connection, *, title: str, pillar: str, body: str,
                variants: dict, scheduled_at: datetime | None, author: str,
                channel_ids: list[int], now: datetime, media: tuple[PostMedia, ...] = (),
                options: dict | None = None, missed_after: float | None = None,
                series_id: int | None = None, occurrence_at: datetime | None = None,
                status: PostStatus = PostStatus.DRAFT, approver: str | None = None,
                approved_hash: str | None = None) -> int:
    """Insert a post (a draft, unless an occurrence of a series is written in its series'
    state) with its target channels and media; returns its id.

    Its pillar must exist (a name differing only in case is taken as that pillar)."""
    pillar = pillar_rows.resolve(conn, pillar)
    post_id = conn.execute(insert(posts).values(
        title=title, pillar=pillar, body=body, variants=json.dumps(variants),
        options=json.dumps(options or {}), status=status.value,
        scheduled_at=scheduled_at, author=author, approver=approver,
        approved_hash=approved_hash, missed_after=missed_after, series_id=series_id,
        occurrence_at=occurrence_at, created_at=now, updated_at=now)).inserted_primary_key[0]
    _insert_targets(conn, post_id, channel_ids)
    _insert_media(conn, post_id, media)
    return post_id


#: Content fields of a post an edit may change.
EDITABLE = ("title", "pillar", "body", "variants", "options", "scheduled_at")


def edit(conn: Connection, post_id: int, current: PostStatus, now: datetime, *,
         channel_ids: list[int] | None = None, media: tuple[PostMedia, ...] | None = None,
         **fields: object) -> None:
    """Change a post's content and send it back to draft, compare-and-set on ``current``.

    ``fields`` are among :data:`EDITABLE`; ``channel_ids`` and ``media``, when given,
    replace the post's channels and media. Any approval is cleared."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for key in ("variants", "options"):
        if key in fields:
            fields[key] = json.dumps(fields[key])
    if "pillar" in fields:
        fields["pillar"] = pillar_rows.resolve(conn, str(fields["pillar"]))
    move(conn, post_id, current, PostStatus.DRAFT, now, approver=None, approved_hash=None,
         **fields)
    if channel_ids is not None:
        conn.execute(delete(post_channels).where(post_channels.c.post_id == post_id))
        _insert_targets(conn, post_id, channel_ids)
    if media is not None:
        conn.execute(delete(post_media).where(post_media.c.post_id == post_id))
        _insert_media(conn, post_id, media)


def _insert_targets(conn: Connection, post_id: int, channel_ids: list[int]) -> None:
    conn.execute(insert(post_channels), [{"post_id": post_id, "channel_id": c}
                                         for c in channel_ids])


def _insert_media(conn: Connection, post_id: int, media: tuple[PostMedia, ...]) -> None:
    if media:
        conn.execute(insert(post_media), [
            {"post_id": post_id, "position": i, "digest": m.digest, "mime": m.mime,
             "size": m.size, "ext": m.ext, "alt_text": m.alt_text,
             "source_name": m.source_name}
            for i, m in enumerate(media)])


#: Statements of the delivery hot path, built once (see docs/BENCHMARKS.md).
_POST = select(posts).where(posts.c.id == bindparam("p"))
_CHANNEL_NAMES = (select(channels.c.name)
                  .join(post_channels, post_channels.c.channel_id == channels.c.id)
                  .where(post_channels.c.post_id == bindparam("p")).order_by(channels.c.name))
_MEDIA = (select(post_media).where(post_media.c.post_id == bindparam("p"))
          .order_by(post_media.c.position))


_STATUS_FOR_UPDATE = (select(posts.c.status).where(posts.c.id == bindparam("p"))
                      .with_for_update())
_NEXT_DUE = select(func.min(posts.c.scheduled_at)).where(
    posts.c.status == PostStatus.APPROVED.value)


def status_for_update(conn: Connection, post_id: int) -> PostStatus:
    """The post's status, its row locked until the transaction ends (PostgreSQL)."""
    return PostStatus(conn.execute(_STATUS_FOR_UPDATE, {"p": post_id}).scalar_one())


def next_due(conn: Connection) -> datetime | None:
    """When the next approved post falls due."""
    return conn.execute(_NEXT_DUE).scalar_one()


def get(conn: Connection, post_id: int) -> Post:
    row = conn.execute(_POST, {"p": post_id}).first()
    if row is None:
        raise NotFound(Said("no post with id {id}", id=str(post_id)))
    return complete(conn, row)


def complete(conn: Connection, row, *, names: tuple[str, ...] | None = None,
             has_media: bool = True) -> Post:
    """The post of a ``posts`` row (or a view of one), with its channel names and media;
    names already read, or knowing there are no media, saves a query each."""
    if names is None:
        names = tuple(conn.execute(_CHANNEL_NAMES, {"p": row.id}).scalars().all())
    media = conn.execute(_MEDIA, {"p": row.id}).all() if has_media else ()
    return _post(row, names, tuple(
        PostMedia(m.digest, m.mime, m.size, m.ext, m.alt_text, m.source_name) for m in media))


def channel_ids(conn: Connection, post_id: int) -> list[int]:
    return list(conn.execute(select(post_channels.c.channel_id)
                             .where(post_channels.c.post_id == post_id)).scalars())


def move(conn: Connection, post_id: int, current: PostStatus, target: PostStatus,
         now: datetime, **fields: object) -> None:
    """Compare-and-set the status; refuses an illegal move, or one another writer beat."""
    move_post(current, target)
    if not moves.move(conn, posts, post_id, [current], target, now, fields):
        raise InvalidTransition(Said("post"), current.value, target.value)


def channel_names(conn: Connection, post_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The target channel names of each post, by name, in one statement."""
    found: dict[int, list[str]] = {p: [] for p in post_ids}
    if post_ids:
        query = (select(post_channels.c.post_id, channels.c.name)
                 .join(channels, post_channels.c.channel_id == channels.c.id)
                 .where(post_channels.c.post_id.in_(post_ids))
                 .order_by(post_channels.c.post_id, channels.c.name))
        for post_id, name in conn.execute(query).all():
            found[post_id].append(name)
    return {p: tuple(names) for p, names in found.items()}


def due(conn: Connection, now: datetime, limit: int) -> list[int]:
    """Approved posts whose time has come, oldest first (uses ix_posts_due)."""
    return [post_id for post_id, _, _ in due_with_windows(conn, now, limit)]


def due_with_windows(conn: Connection, now: datetime, limit: int
                     ) -> list[tuple[int, datetime, float | None]]:
    """(id, scheduled at, missed window) of the approved posts whose time has come, oldest
    first (uses ix_posts_due)."""
    return [tuple(r) for r in conn.execute(
        select(posts.c.id, posts.c.scheduled_at, posts.c.missed_after)
        .where(posts.c.status == PostStatus.APPROVED.value, posts.c.scheduled_at <= now)
        .order_by(posts.c.scheduled_at).limit(limit))]


def _post(row, channel_names: tuple[str, ...], media: tuple[PostMedia, ...] = ()) -> Post:
    return Post(id=row.id, title=row.title, pillar=row.pillar, body=row.body,
                status=PostStatus(row.status), scheduled_at=row.scheduled_at,
                author=row.author, approver=row.approver, approved_hash=row.approved_hash,
                channels=channel_names, variants=json.loads(row.variants),
                media=media, options=json.loads(row.options), created_at=row.created_at,
                series_id=row.series_id, occurrence_at=row.occurrence_at,
                missed_after=row.missed_after)


def page(conn: Connection, *, start: datetime | None = None, end: datetime | None = None,
         channel: str | None = None, pillar: str | None = None,
         status: PostStatus | None = None, author: str | None = None, newest_first: bool = False,
         delivery_statuses: Collection[str] | None = None,
         limit: int | None = 100, offset: int = 0) -> list[Post]:
    """One page of posts (``limit`` None: all) matching every filter given, by scheduled
    time (unscheduled last) or newest first. Scheduled ranges use ix_posts_scheduled.
    ``delivery_statuses``: posts with a delivery in one of them (on ``channel``, if given)."""
    query = select(posts)
    if start is not None:
        query = query.where(posts.c.scheduled_at >= start)
    if end is not None:
        query = query.where(posts.c.scheduled_at < end)
    if pillar is not None:
        query = query.where(posts.c.pillar == pillar)
    if status is not None:
        query = query.where(posts.c.status == status.value)
    if author is not None:
        query = query.where(posts.c.author == author)
    if channel is not None:
        query = query.where(posts.c.id.in_(
            select(post_channels.c.post_id)
            .join(channels, channels.c.id == post_channels.c.channel_id)
            .where(channels.c.name == channel)))
    if delivery_statuses is not None:
        having = select(deliveries.c.post_id).where(
            deliveries.c.status.in_(sorted(delivery_statuses)))
        if channel is not None:
            having = having.join(channels, channels.c.id == deliveries.c.channel_id).where(
                channels.c.name == channel)
        query = query.where(posts.c.id.in_(having))
    if newest_first:
        query = query.order_by(posts.c.id.desc())
    elif start is None and end is None:
        query = query.order_by(posts.c.scheduled_at.is_(None), posts.c.scheduled_at, posts.c.id)
    else:
        query = query.order_by(posts.c.scheduled_at, posts.c.id)
    found = conn.execute(query.limit(limit).offset(offset)).all()
    names = channel_names(conn, [r.id for r in found])
    return [_post(r, names[r.id]) for r in found]
