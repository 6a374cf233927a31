"""The append-only audit log."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, insert, or_, select

from orchestrator.domain.actor import origin_of
from orchestrator.store.schema import audit_events, deliveries


def record(conn: Connection, *, actor: str, action: str, entity: str, entity_id: int,
           now: datetime, **detail: object) -> None:
    """Append one event: who did what to which post, delivery or channel, and from where
    (the token and client address an :class:`~orchestrator.domain.actor.Actor` carries)."""
    token_id, origin = origin_of(actor)
    conn.execute(insert(audit_events).values(
        at=now, actor=str(actor), action=action, entity=entity, entity_id=entity_id,
        detail=json.dumps(detail, default=str, sort_keys=True), token_id=token_id,
        origin=origin))


_EVENTS = select(audit_events).where(
    audit_events.c.entity == bindparam("e"), audit_events.c.entity_id == bindparam("i"),
).order_by(audit_events.c.id)


def events(conn: Connection, entity: str, entity_id: int) -> list[dict]:
    return [_event(r) for r in conn.execute(_EVENTS, {"e": entity, "i": entity_id}).all()]


_EVENTS_OF_MANY = select(audit_events).where(
    audit_events.c.entity == bindparam("e"),
    audit_events.c.entity_id.in_(bindparam("ids", expanding=True)),
).order_by(audit_events.c.id)


def events_of_many(conn: Connection, entity: str, entity_ids: list[int]
                   ) -> dict[int, list[dict]]:
    """:func:`events` of several entities of one kind in one statement, by id (every id
    present, with no events or some)."""
    found: dict[int, list[dict]] = {i: [] for i in entity_ids}
    if entity_ids:
        for row in conn.execute(_EVENTS_OF_MANY, {"e": entity, "ids": list(entity_ids)}).all():
            found[row.entity_id].append(_event(row))
    return found


def actors(conn: Connection, entity: str, entity_id: int, actions: tuple[str, ...]
           ) -> set[str]:
    """Who did any of ``actions`` to the entity."""
    return set(conn.execute(select(audit_events.c.actor).where(
        audit_events.c.entity == entity, audit_events.c.entity_id == entity_id,
        audit_events.c.action.in_(actions))).scalars())


def search(conn: Connection, *, post_id: int | None = None, channel_id: int | None = None,
           entity: str | None = None, actor: str | None = None, action: str | None = None,
           since: datetime | None = None, limit: int = 200, offset: int = 0,
           newest_first: bool = False) -> list[dict]:
    """The newest events (``limit`` from ``offset``), oldest first unless ``newest_first``:
    of a post and its deliveries, of a channel and its deliveries, of one entity kind, by
    one actor, of one action, since a moment (each filter optional)."""
    query = select(audit_events)
    if post_id is not None:
        query = query.where(_about("post", post_id, deliveries.c.post_id == post_id))
    if channel_id is not None:
        query = query.where(_about("channel", channel_id,
                                   deliveries.c.channel_id == channel_id))
    for column, value in ((audit_events.c.entity, entity), (audit_events.c.actor, actor),
                          (audit_events.c.action, action)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(audit_events.c.at >= since)
    rows = conn.execute(query.order_by(audit_events.c.id.desc()).limit(limit)
                        .offset(offset)).all()
    return [_event(r) for r in (rows if newest_first else reversed(rows))]


def _about(entity: str, entity_id: int, delivery_condition):
    """Events of the entity itself or of its deliveries."""
    of_deliveries = select(deliveries.c.id).where(delivery_condition)
    return or_(and_(audit_events.c.entity == entity, audit_events.c.entity_id == entity_id),
               and_(audit_events.c.entity == "delivery",
                    audit_events.c.entity_id.in_(of_deliveries)))


def _event(row) -> dict:
    return {"id": row.id, "at": row.at.isoformat(), "actor": row.actor, "action": row.action,
            "entity": row.entity, "entity_id": row.entity_id,
            "detail": json.loads(row.detail), "origin": row.origin, "token_id": row.token_id}
