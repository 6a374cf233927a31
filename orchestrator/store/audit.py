"""The append-only audit log."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert, select

from orchestrator.store.schema import audit_events


def record(conn: Connection, *, actor: str, action: str, entity: str, entity_id: int,
           now: datetime, **detail: object) -> None:
    """Append one event: who did what to which post, delivery or channel."""
    conn.execute(insert(audit_events).values(
        at=now, actor=actor, action=action, entity=entity, entity_id=entity_id,
        detail=json.dumps(detail, default=str, sort_keys=True)))


def events(conn: Connection, entity: str, entity_id: int) -> list[dict]:
    rows = conn.execute(select(audit_events).where(
        audit_events.c.entity == entity, audit_events.c.entity_id == entity_id,
    ).order_by(audit_events.c.id))
    return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
             "detail": json.loads(r.detail)} for r in rows]
