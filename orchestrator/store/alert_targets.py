"""Alert target rows: where alerts go. The secret column is sealed before it gets here and
is read only by :func:`sealed_secret`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from connectors.errors import AlreadyExists, NotFound
from orchestrator.store.schema import alert_targets


@dataclass(frozen=True)
class TargetRow:
    """An alert target as stored, without its secret."""

    id: int
    name: str
    kind: str
    settings: dict
    digest: bool
    digest_sent_for: str | None
    created_at: datetime
    created_by: str


_PUBLIC = (alert_targets.c.id, alert_targets.c.name, alert_targets.c.kind,
           alert_targets.c.settings, alert_targets.c.digest, alert_targets.c.digest_sent_for,
           alert_targets.c.created_at, alert_targets.c.created_by)


def _row(row) -> TargetRow:
    return TargetRow(row.id, row.name, row.kind, json.loads(row.settings), bool(row.digest),
                     row.digest_sent_for, row.created_at, row.created_by)


def add(conn: Connection, *, name: str, kind: str, settings: dict, sealed_secret: str,
        digest: bool, now: datetime, by: str) -> TargetRow:
    """Insert a target; a taken name is AlreadyExists."""
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(alert_targets).values(
                name=name, kind=kind, settings=json.dumps(settings, sort_keys=True),
                secret=sealed_secret, digest=digest, created_at=now, created_by=by,
            )).inserted_primary_key[0]
    except IntegrityError:
        raise AlreadyExists(f"an alert target named {name!r} already exists") from None
    return TargetRow(new_id, name, kind, settings, digest, None, now, by)


def every(conn: Connection) -> list[TargetRow]:
    return [_row(r) for r in conn.execute(select(*_PUBLIC).order_by(alert_targets.c.name))]


def by_name(conn: Connection, name: str) -> TargetRow:
    row = conn.execute(select(*_PUBLIC).where(alert_targets.c.name == name)).first()
    if row is None:
        raise NotFound(f"no alert target named {name!r} (see `siaran alert list`)")
    return _row(row)


def sealed_secret(conn: Connection, target_id: int) -> str | None:
    return conn.execute(select(alert_targets.c.secret)
                        .where(alert_targets.c.id == target_id)).scalar_one_or_none()


def sealed_secrets(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(alert_targets.c.id, alert_targets.c.secret)).all())


def remove(conn: Connection, target_id: int) -> None:
    conn.execute(delete(alert_targets).where(alert_targets.c.id == target_id))


def mark_digest(conn: Connection, target_id: int, day: str, before: str | None) -> bool:
    """Record that ``day``'s digest goes to the target (compare-and-set: two watchers send
    it once)."""
    where = (alert_targets.c.digest_sent_for.is_(None) if before is None
             else alert_targets.c.digest_sent_for == before)
    return conn.execute(update(alert_targets).where(alert_targets.c.id == target_id, where)
                        .values(digest_sent_for=day)).rowcount == 1


def set_secret(conn: Connection, target_id: int, sealed: str) -> None:
    conn.execute(update(alert_targets).where(alert_targets.c.id == target_id)
                 .values(secret=sealed))


def by_id(conn: Connection, target_id: int) -> TargetRow | None:
    row = conn.execute(select(*_PUBLIC).where(alert_targets.c.id == target_id)).first()
    return None if row is None else _row(row)
