"""Facts about the installation: one named value each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from orchestrator.store.schema import installation

KEY_FINGERPRINT = "key_fingerprint"


def get(conn: Connection, name: str) -> str | None:
    return conn.execute(select(installation.c.value)
                        .where(installation.c.name == name)).scalar_one_or_none()


def updated_at(conn: Connection, name: str) -> datetime | None:
    """When ``name`` was last set (None: never)."""
    return conn.execute(select(installation.c.updated_at)
                        .where(installation.c.name == name)).scalar_one_or_none()


def put(conn: Connection, name: str, value: str, now: datetime) -> None:
    """Set ``name`` to ``value`` (inserting the row the first time, also when another
    process inserts it at the same moment)."""
    change = (update(installation).where(installation.c.name == name)
              .values(value=value, updated_at=now))
    if conn.execute(change).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(installation).values(name=name, value=value, updated_at=now))
    except IntegrityError:
        conn.execute(change)
