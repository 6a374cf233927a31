"""Users and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from orchestrator.store.schema import users

_COUNT = select(func.count()).select_from(users)


def count(conn: Connection) -> int:
    """How many users exist."""
    return conn.execute(_COUNT).scalar_one()


def roles_of(conn: Connection, user: str) -> frozenset[str]:
    """The roles of ``user``; empty when there is no such user."""
    found = conn.execute(select(users.c.roles).where(users.c.name == user)).scalar_one_or_none()
    return frozenset(found.split(",")) if found else frozenset()


def add(conn: Connection, name: str, roles: list[str], now: datetime) -> None:
    conn.execute(insert(users).values(name=name, roles=",".join(sorted(set(roles))),
                                      created_at=now))


def every(conn: Connection) -> list[dict]:
    """Every user with their roles, by name."""
    return [{"name": r.name, "roles": r.roles.split(",")}
            for r in conn.execute(select(users).order_by(users.c.name))]
