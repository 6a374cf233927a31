"""Delivery rows, the claim guard, attempts and the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from connectors.errors import InvalidTransition, NotFound
from connectors.wording import Said
from orchestrator.domain.model import Attempt, Delivery
from orchestrator.domain.states import CLAIMABLE, DeliveryStatus, PostStatus, move_delivery
from orchestrator.store import moves
from orchestrator.store.schema import (
    attempts,
    channels,
    deliveries,
    delivery_uploads,
    outbox,
    posts,
)

#: A retry may be claimed this early (clocks of different machines differ a little).
CLOCK_TOLERANCE = timedelta(seconds=1)
_COLUMNS = (*deliveries.c, channels.c.name.label("channel"), channels.c.platform)
_JOINED = deliveries.join(channels, channels.c.id == deliveries.c.channel_id)


def from_row(row) -> Delivery:
    return Delivery(id=row.id, post_id=row.post_id, channel_id=row.channel_id,
                    channel=row.channel, platform=row.platform,
                    status=DeliveryStatus(row.status), external_id=row.external_id,
                    permalink=row.permalink, attempts=row.attempts, error_kind=row.error_kind,
                    error=row.error, updated_at=row.updated_at,
                    first_attempt_at=row.first_attempt_at, claimed_at=row.claimed_at,
                    claimed_by=row.claimed_by, next_attempt_at=row.next_attempt_at,
                    transport_id=row.transport_id, reconciled_at=row.reconciled_at,
                    deferred_seconds=row.deferred_seconds, not_after=row.not_after,
                    overrides_embargo=bool(row.overrides_embargo))


def create(conn: Connection, post_id: int, channel_ids: Iterable[int], now: datetime) -> None:
    """One pending delivery per target channel."""
    conn.execute(insert(deliveries), [
        {"post_id": post_id, "channel_id": c, "status": DeliveryStatus.PENDING.value,
         "attempts": 0, "updated_at": now} for c in channel_ids])


#: Hot-path statements are built once, with bind parameters: building them per call cost
#: several times more CPU than running them (docs/BENCHMARKS.md).
_FIND = select(*_COLUMNS).select_from(_JOINED).where(deliveries.c.id == bindparam("d"))


def find(conn: Connection, delivery_id: int) -> Delivery | None:
    row = conn.execute(_FIND, {"d": delivery_id}).first()
    return None if row is None else from_row(row)


def get(conn: Connection, delivery_id: int) -> Delivery:
    found = find(conn, delivery_id)
    if found is None:
        raise NotFound(Said("no delivery with id {id}", id=str(delivery_id)))
    return found


_FOR_POST = (select(*_COLUMNS).select_from(_JOINED)
             .where(deliveries.c.post_id == bindparam("p")).order_by(channels.c.name))


def for_post(conn: Connection, post_id: int) -> list[Delivery]:
    return [from_row(r) for r in conn.execute(_FOR_POST, {"p": post_id}).all()]


#: What a view of a delivery shows (calendar, lists): fewer columns to read and convert.
_SHOWN = select(deliveries.c.id, deliveries.c.post_id, deliveries.c.channel_id,
                deliveries.c.status, deliveries.c.external_id, deliveries.c.permalink,
                deliveries.c.attempts, deliveries.c.error_kind, deliveries.c.error,
                deliveries.c.updated_at, deliveries.c.next_attempt_at,
                channels.c.name, channels.c.platform).select_from(_JOINED).where(
    deliveries.c.post_id.in_(bindparam("posts", expanding=True))).order_by(
    deliveries.c.post_id, channels.c.name)


def for_posts(conn: Connection, post_ids: list[int]) -> dict[int, list[Delivery]]:
    """The deliveries of each post, by channel name, with what their views show."""
    found: dict[int, list[Delivery]] = {p: [] for p in post_ids}
    if post_ids:
        for r in conn.execute(_SHOWN, {"posts": post_ids}).all():
            found[r[1]].append(Delivery(
                id=r[0], post_id=r[1], channel_id=r[2], channel=r[11], platform=r[12],
                status=DeliveryStatus(r[3]), external_id=r[4], permalink=r[5], attempts=r[6],
                error_kind=r[7], error=r[8], updated_at=r[9], next_attempt_at=r[10]))
    return found


def remove_pending(conn: Connection, post_id: int) -> int:
    """Delete a post's pending deliveries (its approval is withdrawn); returns how many."""
    return conn.execute(delete(deliveries).where(
        deliveries.c.post_id == post_id,
        deliveries.c.status == DeliveryStatus.PENDING.value)).rowcount


_STATUSES = select(deliveries.c.status).where(deliveries.c.post_id == bindparam("p"))


def statuses(conn: Connection, post_id: int) -> list[DeliveryStatus]:
    return [DeliveryStatus(s) for s in conn.execute(_STATUSES, {"p": post_id}).scalars()]


def move(conn: Connection, delivery_id: int, sources: Iterable[DeliveryStatus],
         target: DeliveryStatus, now: datetime, **fields: object) -> bool:
    """Compare-and-set: move only from one of ``sources``. True if this call moved it."""
    sources = list(sources)
    for source in sources:
        move_delivery(source, target)
    return moves.move(conn, deliveries, delivery_id, sources, target, now, fields)


def _claimable(delivery_id, latest) -> list:
    """A claimable delivery of a publishing post whose retry time has come."""
    post_publishing = exists().where(and_(posts.c.id == deliveries.c.post_id,
                                          posts.c.status == PostStatus.PUBLISHING.value))
    return [deliveries.c.id == delivery_id,
            deliveries.c.status.in_([s.value for s in CLAIMABLE]),
            post_publishing,
            or_(deliveries.c.next_attempt_at.is_(None),
                deliveries.c.next_attempt_at <= latest)]


_CLAIM = update(deliveries).where(*_claimable(bindparam("d"), bindparam("latest"))).values(
    status=DeliveryStatus.SENDING.value, claimed_by=bindparam("w"), claimed_at=bindparam("now"),
    attempts=deliveries.c.attempts + 1,
    first_attempt_at=func.coalesce(deliveries.c.first_attempt_at, bindparam("now")),
    updated_at=bindparam("now")).returning(deliveries.c.attempts, deliveries.c.first_attempt_at)


def claim(conn: Connection, delivery_id: int, worker: str, now: datetime) -> Row | None:
    """Take a claimable delivery for this worker; at most one caller wins.

    The winner gets the claimed row's ``attempts`` and ``first_attempt_at``; others None."""
    return conn.execute(_CLAIM, {"d": delivery_id, "latest": now + CLOCK_TOLERANCE,
                                 "w": worker, "now": now}).first()


_GIVE_BACK = update(deliveries).where(
    deliveries.c.id == bindparam("d"),
    deliveries.c.status == DeliveryStatus.SENDING.value,
    deliveries.c.claimed_by == bindparam("w"),
).values(status=bindparam("status"), attempts=bindparam("attempts"),
         first_attempt_at=bindparam("first"), claimed_by=bindparam("by"),
         claimed_at=bindparam("at"), next_attempt_at=bindparam("until"),
         error=bindparam("reason"), error_kind=bindparam("kind"),
         deferred_seconds=deliveries.c.deferred_seconds + bindparam("waited"),
         updated_at=bindparam("now"))


def give_back(conn: Connection, before: Delivery, worker: str, until: datetime, reason: str,
              now: datetime) -> bool:
    """Undo ``worker``'s claim as if it had not happened, and wait until ``until``.

    For a claim that a guard then turned away before any request: ``before`` is the
    delivery as read before the claim; its attempt count and claim fields come back, and
    the wait is added to the time it spent deferred."""
    move_delivery(DeliveryStatus.SENDING, DeliveryStatus.RETRY_WAIT)
    return _give_back(conn, before, worker, DeliveryStatus.RETRY_WAIT, reason,
                      before.error_kind, now, until)


def give_up_deferred(conn: Connection, before: Delivery, worker: str, reason: str,
                     kind: str, now: datetime) -> bool:
    """Undo ``worker``'s claim like :func:`give_back`, but fail: waited long enough."""
    move_delivery(DeliveryStatus.SENDING, DeliveryStatus.FAILED)
    return _give_back(conn, before, worker, DeliveryStatus.FAILED, reason, kind, now, None)


def _give_back(conn: Connection, before: Delivery, worker: str, status: DeliveryStatus,
               reason: str, kind: str | None, now: datetime, until: datetime | None) -> bool:
    waited = 0.0 if until is None else (until - now).total_seconds()
    return conn.execute(_GIVE_BACK, {
        "d": before.id, "w": worker, "status": status.value, "attempts": before.attempts,
        "first": before.first_attempt_at, "by": before.claimed_by, "at": before.claimed_at,
        "until": until, "reason": reason, "kind": kind, "waited": waited,
        "now": now}).rowcount == 1


def hold_channel(conn: Connection, channel_id: int, reason: str, now: datetime) -> int:
    """Hold every waiting delivery of a channel; returns how many."""
    waiting = [DeliveryStatus.QUEUED.value, DeliveryStatus.RETRY_WAIT.value]
    return conn.execute(update(deliveries).where(
        deliveries.c.channel_id == channel_id, deliveries.c.status.in_(waiting),
    ).values(status=DeliveryStatus.HELD.value, error=reason, updated_at=now)).rowcount


def held_of_channel(conn: Connection, channel_id: int) -> list[Delivery]:
    rows = conn.execute(select(*_COLUMNS).select_from(_JOINED).where(
        deliveries.c.channel_id == channel_id,
        deliveries.c.status == DeliveryStatus.HELD.value))
    return [from_row(r) for r in rows]


def count_attempts(conn: Connection, delivery_id: int, kinds: Iterable[str]) -> int:
    return conn.execute(select(func.count()).select_from(attempts).where(
        attempts.c.delivery_id == delivery_id,
        attempts.c.error_kind.in_(list(kinds)))).scalar_one()


_ATTEMPT = insert(attempts)


def record_attempt(conn: Connection, attempt: Attempt, message_id: str | None) -> None:
    conn.execute(_ATTEMPT, {
        "delivery_id": attempt.delivery_id, "started_at": attempt.started_at,
        "finished_at": attempt.finished_at, "worker": attempt.worker,
        "message_id": message_id, "outcome": attempt.outcome,
        "http_status": attempt.http_status, "error_kind": attempt.error_kind,
        "excerpt": attempt.excerpt})


def attempts_of(conn: Connection, delivery_id: int) -> list[dict]:
    return attempts_for(conn, [delivery_id])[delivery_id]


_ATTEMPTS_FOR = select(attempts).where(
    attempts.c.delivery_id.in_(bindparam("ids", expanding=True))).order_by(attempts.c.id)


def attempts_for(conn: Connection, delivery_ids: list[int]) -> dict[int, list[dict]]:
    """The attempt log of each delivery, oldest first, in one statement."""
    found: dict[int, list[dict]] = {d: [] for d in delivery_ids}
    if delivery_ids:
        for r in conn.execute(_ATTEMPTS_FOR, {"ids": delivery_ids}).all():
            found[r.delivery_id].append({
                "started_at": r.started_at.isoformat(), "finished_at": r.finished_at.isoformat(),
                "worker": r.worker, "message_id": r.message_id, "outcome": r.outcome,
                "http_status": r.http_status, "error_kind": r.error_kind, "excerpt": r.excerpt,
                "duration_ms": round((r.finished_at - r.started_at).total_seconds() * 1000, 1)})
    return found


#: By post only, the status filtered in Python: with a status condition the planner could
#: prefer ix_deliveries_status, which holds every pending delivery of the calendar.
_TARGETS = (select(deliveries.c.id, deliveries.c.status, channels.c.name, channels.c.platform,
                   channels.c.state)
            .select_from(_JOINED).where(deliveries.c.post_id == bindparam("p"))
            .order_by(deliveries.c.id))


def pending_targets(conn: Connection, post_id: int) -> list[tuple[int, str, str, str]]:
    """(id, channel name, platform, channel state) of the post's pending deliveries."""
    return [(r.id, r.name, r.platform, r.state) for r in conn.execute(_TARGETS, {"p": post_id})
            if r.status == DeliveryStatus.PENDING.value]


#: One row per execution (one call, many parameter sets): with ``id IN (…)`` SQLite chose
#: ix_deliveries_status and walked every pending delivery of the calendar.
_QUEUE = update(deliveries).where(
    deliveries.c.id == bindparam("d_id"),
    deliveries.c.status == DeliveryStatus.PENDING.value,
).values(status=DeliveryStatus.QUEUED.value, updated_at=bindparam("now"),
         not_after=bindparam("not_after"), overrides_embargo=bindparam("override"))
_OUTBOX = insert(outbox)


def queue_pending(conn: Connection, targets: list[tuple[int, str]], now: datetime, *,
                  not_after: datetime | None = None, overrides_embargo: bool = False) -> int:
    """Move pending deliveries to queued and write their outbox rows, set-wise.

    ``targets`` are (delivery id, queue); ``not_after``, the latest moment they may start;
    returns how many moved."""
    if not targets:
        return 0
    move_delivery(DeliveryStatus.PENDING, DeliveryStatus.QUEUED)
    moved = conn.execute(_QUEUE, [{"d_id": d, "now": now, "not_after": not_after,
                                   "override": overrides_embargo}
                                  for d, _ in targets]).rowcount
    if moved != len(targets):
        raise InvalidTransition(Said("delivery"), Said("not pending"), DeliveryStatus.QUEUED.value)
    conn.execute(_OUTBOX, [{"delivery_id": d, "queue": q, "created_at": now}
                           for d, q in targets])
    return moved


def add_to_outbox(conn: Connection, delivery_id: int, queue: str, now: datetime) -> None:
    conn.execute(insert(outbox).values(delivery_id=delivery_id, queue=queue, created_at=now))


def outbox_batch(conn: Connection, limit: int) -> list[tuple[int, int, str]]:
    """(outbox id, delivery id, queue), oldest first."""
    rows = conn.execute(select(outbox.c.id, outbox.c.delivery_id, outbox.c.queue)
                        .order_by(outbox.c.id).limit(limit))
    return [tuple(r) for r in rows]


def remove_from_outbox(conn: Connection, outbox_ids: list[int]) -> None:
    if outbox_ids:
        conn.execute(delete(outbox).where(outbox.c.id.in_(outbox_ids)))


def set_transport_ids(conn: Connection, pairs: list[tuple[int, str]]) -> None:
    """Record the Redis id of each delivery's live message."""
    if pairs:
        conn.execute(update(deliveries).where(deliveries.c.id == bindparam("d_id"))
                     .values(transport_id=bindparam("t_id")),
                     [{"d_id": d, "t_id": t} for d, t in pairs])


def uploads_of(conn: Connection, delivery_id: int, media_ttl: float, now: datetime
               ) -> dict[str, str]:
    """Platform ids remembered from earlier attempts; media ids older than ``media_ttl`` are
    dropped (keys that are not media digests, such as posted thread parts, never expire)."""
    found = {}
    for r in conn.execute(select(delivery_uploads).where(
            delivery_uploads.c.delivery_id == delivery_id)):
        is_media = len(r.key) == 64
        if not is_media or (now - r.uploaded_at).total_seconds() < media_ttl:
            found[r.key] = r.platform_id
    return found


def save_uploads(conn: Connection, delivery_id: int, uploads: dict[str, str],
                 known: dict[str, str], now: datetime) -> None:
    """Remember what this attempt uploaded (keys not already known)."""
    new = {k: v for k, v in uploads.items() if known.get(k) != v}
    if new:
        conn.execute(delete(delivery_uploads).where(
            delivery_uploads.c.delivery_id == delivery_id,
            delivery_uploads.c.key.in_(list(new))))
        conn.execute(insert(delivery_uploads), [
            {"delivery_id": delivery_id, "key": k, "platform_id": v, "uploaded_at": now}
            for k, v in new.items()])


def page(conn: Connection, *, status: DeliveryStatus | None = None, channel: str | None = None,
         platform: str | None = None, error_kind: str | None = None,
         post_id: int | None = None, since: datetime | None = None, limit: int = 100,
         offset: int = 0) -> list[Delivery]:
    """One page of deliveries matching every filter given, newest first; ``since``: changed
    since then."""
    query = select(*_COLUMNS).select_from(_JOINED)
    for column, value in ((deliveries.c.status, status.value if status else None),
                          (channels.c.name, channel), (channels.c.platform, platform),
                          (deliveries.c.error_kind, error_kind),
                          (deliveries.c.post_id, post_id)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(deliveries.c.updated_at >= since)
    query = query.order_by(deliveries.c.id.desc()).limit(limit).offset(offset)
    return [from_row(r) for r in conn.execute(query)]


def channel_summary(conn: Connection, channel_id: int) -> dict:
    """A channel's deliveries by status, its last publication and its last failure."""
    of_channel = deliveries.c.channel_id == channel_id
    counts = dict(conn.execute(select(deliveries.c.status, func.count())
                               .where(of_channel).group_by(deliveries.c.status)).all())
    last_published = conn.execute(select(func.max(deliveries.c.updated_at)).where(
        of_channel, deliveries.c.status == DeliveryStatus.PUBLISHED.value)).scalar_one()
    failure = conn.execute(select(*_COLUMNS).select_from(_JOINED).where(
        of_channel, deliveries.c.error_kind.is_not(None),
        deliveries.c.status.in_([DeliveryStatus.FAILED.value, DeliveryStatus.UNKNOWN.value,
                                 DeliveryStatus.RETRY_WAIT.value]),
    ).order_by(deliveries.c.updated_at.desc(), deliveries.c.id.desc()).limit(1)).first()
    return {"counts": counts, "last_published_at": last_published,
            "last_failure": None if failure is None else from_row(failure)}
