"""Series rows, and the posts that are their occurrences."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from connectors.errors import InvalidTransition, NotFound
from connectors.wording import Said
from orchestrator.domain.model import Post, PostMedia
from orchestrator.domain.series import Series, SeriesStatus
from orchestrator.domain.states import PostStatus
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as post_rows
from orchestrator.store.schema import posts, series

_OCCURRENCE_STATUS = {SeriesStatus.DRAFT: PostStatus.DRAFT,
                      SeriesStatus.IN_REVIEW: PostStatus.IN_REVIEW,
                      SeriesStatus.APPROVED: PostStatus.APPROVED}


def _series(row) -> Series:
    return Series(
        id=row.id, rule=row.rule, starts_at=row.starts_at, timezone=row.timezone,
        title=row.title, pillar=row.pillar, body=row.body, variants=json.loads(row.variants),
        options=json.loads(row.options),
        media=tuple(PostMedia(**m) for m in json.loads(row.media)),
        channel_ids=tuple(json.loads(row.channel_ids)), missed_after=row.missed_after,
        status=SeriesStatus(row.status), author=row.author, approver=row.approver,
        approved_hash=row.approved_hash, materialised_until=row.materialised_until,
        materialised=row.materialised, refill_at=row.refill_at)


def add_from(conn: Connection, first: Post, channel_ids: list[int], *, rule: str,
             starts_at: datetime, timezone: str, refill_at: datetime | None,
             now: datetime) -> int:
    """A draft series whose content is ``first``'s, which becomes its first occurrence."""
    media = [{"digest": m.digest, "mime": m.mime, "size": m.size, "ext": m.ext,
              "alt_text": m.alt_text} for m in first.media]
    series_id = conn.execute(insert(series).values(
        rule=rule, starts_at=starts_at, timezone=timezone, title=first.title,
        pillar=first.pillar, body=first.body, variants=json.dumps(first.variants),
        options=json.dumps(first.options), media=json.dumps(media),
        channel_ids=json.dumps(sorted(channel_ids)), missed_after=first.missed_after,
        status=SeriesStatus.DRAFT.value, author=first.author,
        materialised_until=first.scheduled_at, materialised=1, refill_at=refill_at,
        created_at=now, updated_at=now)).inserted_primary_key[0]
    conn.execute(update(posts).where(posts.c.id == first.id).values(
        series_id=series_id, occurrence_at=first.scheduled_at))
    return series_id


def get(conn: Connection, series_id: int) -> Series:
    row = conn.execute(select(series).where(series.c.id == series_id)).first()
    if row is None:
        raise NotFound(Said("no series with id {id}", id=str(series_id)))
    return _series(row)


def every(conn: Connection) -> list[Series]:
    return [_series(r) for r in conn.execute(select(series).order_by(series.c.id))]


_DUE = (select(series.c.id).where(series.c.refill_at <= bindparam("now"))
        .order_by(series.c.refill_at).limit(bindparam("limit")))
_NEXT_REFILL = select(series.c.refill_at).order_by(series.c.refill_at).where(
    series.c.refill_at.is_not(None)).limit(1)


def due_for_refill(conn: Connection, now: datetime, limit: int) -> list[int]:
    """Series whose horizon needs more occurrences written (uses ix_series_refill)."""
    return list(conn.execute(_DUE, {"now": now, "limit": limit}).scalars())


def next_refill(conn: Connection) -> datetime | None:
    return conn.execute(_NEXT_REFILL).scalar()


def advance(conn: Connection, found: Series, until: datetime, added: int,
            refill_at: datetime | None, now: datetime) -> bool:
    """Record ``added`` more occurrences written up to ``until``; compare-and-set on the
    count, so that of two schedulers extending one series at once, one does."""
    return conn.execute(update(series).where(
        series.c.id == found.id, series.c.materialised == found.materialised,
        series.c.status != SeriesStatus.CANCELLED.value,
    ).values(materialised_until=until, materialised=found.materialised + added,
             refill_at=refill_at, updated_at=now)).rowcount == 1


def write_occurrence(conn: Connection, found: Series, at: datetime, now: datetime) -> int:
    """A post for one occurrence, in the series' state (deliveries too, once approved)."""
    status = _OCCURRENCE_STATUS[found.status]
    approved = status is PostStatus.APPROVED
    post_id = post_rows.insert_post(
        conn, title=found.title, pillar=found.pillar, body=found.body, variants=found.variants,
        scheduled_at=at, author=found.author, channel_ids=list(found.channel_ids), now=now,
        media=found.media, options=found.options, missed_after=found.missed_after,
        series_id=found.id, occurrence_at=at, status=status,
        approver=found.approver if approved else None,
        approved_hash=found.approved_hash if approved else None)
    if approved:
        delivery_rows.create(conn, post_id, found.channel_ids, now)
    return post_id


def move(conn: Connection, series_id: int, current: SeriesStatus, target: SeriesStatus,
         now: datetime, **fields: object) -> None:
    """Compare-and-set the series' status."""
    moved = conn.execute(update(series).where(
        series.c.id == series_id, series.c.status == current.value,
    ).values(status=target.value, updated_at=now, **fields)).rowcount
    if moved != 1:
        raise InvalidTransition(Said("series"), current.value, target.value)


def occurrences(conn: Connection, series_id: int) -> list[Post]:
    """Its occurrences written so far, in time order."""
    rows = list(conn.execute(select(posts).where(posts.c.series_id == series_id)
                             .order_by(posts.c.occurrence_at)))
    names = post_rows.channel_names(conn, [r.id for r in rows])
    return [post_rows.complete(conn, r, names=names[r.id]) for r in rows]
