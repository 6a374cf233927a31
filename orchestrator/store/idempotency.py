"""Idempotency keys: a client's key bound to the request it first came with and its post."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from orchestrator.store.schema import idempotency_keys as keys


def reserve(conn: Connection, user: str, key: str, fingerprint: str, now: datetime) -> bool:
    """Take the key for a new request; False when it is taken already."""
    try:
        with conn.begin_nested():
            conn.execute(insert(keys).values(user_name=user, key=key, fingerprint=fingerprint,
                                             created_at=now))
    except IntegrityError:
        return False
    return True


def find(conn: Connection, user: str, key: str):
    """(fingerprint, post_id, created_at) of a key, or None."""
    return conn.execute(select(keys.c.fingerprint, keys.c.post_id, keys.c.created_at).where(
        keys.c.user_name == user, keys.c.key == key)).first()


def complete(conn: Connection, user: str, key: str, post_id: int) -> None:
    conn.execute(update(keys).where(keys.c.user_name == user, keys.c.key == key)
                 .values(post_id=post_id))


def release(conn: Connection, user: str, key: str) -> None:
    """Forget a key whose request failed, so that it can be used again."""
    conn.execute(delete(keys).where(keys.c.user_name == user, keys.c.key == key,
                                    keys.c.post_id.is_(None)))
