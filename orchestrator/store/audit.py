"""The append-only audit log."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select

from orchestrator.domain.actor import origin_of
from orchestrator.store.schema import audit_events


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
    return [_event(r) for r in conn.execute(_EVENTS, {"e": entity, "i": entity_id})]


def listing(conn: Connection, *, entity: str | None = None, actor: str | None = None,
            action: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Events, newest first, optionally of one entity kind, actor or action."""
    query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit).offset(offset)
    for column, value in ((audit_events.c.entity, entity), (audit_events.c.actor, actor),
                          (audit_events.c.action, action)):
        if value is not None:
            query = query.where(column == value)
    return [{"id": r.id, "entity": r.entity, "entity_id": r.entity_id, **_event(r)}
            for r in conn.execute(query)]


def _event(r) -> dict:
    return {"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
            "detail": json.loads(r.detail), "origin": r.origin, "token_id": r.token_id}
