"""Users and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

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


def exists(conn: Connection, name: str) -> bool:
    return conn.execute(select(users.c.name).where(users.c.name == name)).first() is not None


_ADMINS = select(func.count()).select_from(users).where(
    (users.c.roles == "admin") | users.c.roles.like("admin,%") | users.c.roles.like("%,admin")
    | users.c.roles.like("%,admin,%"))


def admin_count(conn: Connection) -> int:
    """How many users hold the admin role."""
    return conn.execute(_ADMINS).scalar_one()


def password_hash(conn: Connection, name: str) -> str | None:
    """The stored password hash of ``name``; None without a password or such a user."""
    return conn.execute(select(users.c.password_hash).where(users.c.name == name)
                        ).scalar_one_or_none()


def set_password_hash(conn: Connection, name: str, hashed: str) -> bool:
    """Store a new password hash; False when there is no such user."""
    return conn.execute(update(users).where(users.c.name == name)
                        .values(password_hash=hashed)).rowcount == 1
