"""Compare-and-set status moves of posts and deliveries, one prebuilt UPDATE per shape."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

from sqlalchemy import Connection, Table, Update, bindparam, update

_STATEMENTS: dict[tuple[str, tuple[str, ...]], Update] = {}


def _statement(table: Table, fields: tuple[str, ...]) -> Update:
    """``UPDATE table SET status, updated_at, fields… WHERE id = ? AND status IN (…)``."""
    key = (table.name, fields)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = update(table).where(
            table.c.id == bindparam("m_id"),
            table.c.status.in_(bindparam("m_sources", expanding=True)),
        ).values(status=bindparam("m_target"), updated_at=bindparam("m_now"),
                 **{k: bindparam(f"f_{k}") for k in fields})
    return statement


def move(conn: Connection, table: Table, row_id: int, sources: Iterable[Enum], target: Enum,
         now: datetime, fields: dict[str, object]) -> bool:
    """Move one row from any of ``sources`` to ``target``; True if this call moved it."""
    return conn.execute(_statement(table, tuple(sorted(fields))), {
        "m_id": row_id, "m_sources": [s.value for s in sources], "m_target": target.value,
        "m_now": now, **{f"f_{k}": v for k, v in fields.items()}}).rowcount == 1
