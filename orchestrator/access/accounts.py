"""User accounts as the CLI and the HTTP API manage them: add, list, and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.access import roles
from orchestrator.runtime.context import Context
from orchestrator.store import users as user_rows


@dataclass(frozen=True)
class Principal:
    """A user proven by an API token (``token_id``) or a password (``token_id`` None)."""

    name: str
    roles: frozenset[str]
    token_id: int | None = None


def add_user(ctx: Context, name: str, user_roles: list[str]) -> dict:
    """Add a user (the first must be an admin); returns it as listed."""
    with ctx.db.write() as conn:
        roles.add_user(conn, acting=ctx.user, name=name, roles=user_roles, now=ctx.now())
    return {"name": name, "roles": sorted(set(user_roles))}


def list_users(ctx: Context, *, check: bool = False) -> list[dict]:
    """Every user with their roles; ``check`` asks that the acting user may list them."""
    with ctx.db.read() as conn:
        if check:
            roles.authorize(conn, ctx.user, "user_list")
        return roles.all_users(conn)


def admin_exists(ctx: Context) -> bool:
    """True once an admin user exists (the HTTP API is closed until then)."""
    with ctx.db.read() as conn:
        return user_rows.admin_count(conn) > 0
