"""Who may do what: roles, and the one gate every user action passes through.

Roles: ``author`` writes and submits posts; ``approver`` approves, rejects and publishes
now; ``operator`` retries and resolves deliveries and pauses or resumes channels; ``admin``
may do everything, including adding channels and users.

Until the first user is added, Siaran is in *open mode*: every named user may do everything
(a one-person office, the demo). Once users exist, every action is checked against the
acting user's roles, and nobody approves a post they wrote (four eyes).
"""

from __future__ import annotations

from datetime import datetime

from connectors.errors import AccessDenied, ConfigError
from orchestrator.store import audit
from orchestrator.store import users as user_rows
from orchestrator.store.db import Connection

ROLES = ("author", "approver", "operator", "admin")
ALLOWED: dict[str, frozenset[str]] = {
    "create": frozenset({"author"}),
    "submit": frozenset({"author"}),
    "cancel": frozenset({"author", "approver"}),
    "approve": frozenset({"approver"}),
    "reject": frozenset({"approver"}),
    "publish_now": frozenset({"approver"}),
    "retry": frozenset({"operator"}),
    "resolve": frozenset({"operator"}),
    "channel_pause": frozenset({"operator"}),
    "channel_resume": frozenset({"operator"}),
    "channel_add": frozenset(),
    "channel_update": frozenset(),
    "user_add": frozenset(),
    # The calendar (schedules/): pillars, posting slots, series, the embargo.
    "pillar_add": frozenset({"approver"}),
    "pillar_update": frozenset({"approver"}),
    "channel_slots": frozenset({"approver"}),
    "series_create": frozenset({"author"}),
    "series_submit": frozenset({"author"}),
    "series_approve": frozenset({"approver"}),
    "series_cancel": frozenset({"author", "approver"}),
    "edit": frozenset({"author"}),
    "embargo": frozenset({"approver"}),
    "embargo_lift": frozenset({"approver"}),
    "override_embargo": frozenset(),
}


def open_mode(conn: Connection) -> bool:
    """True while no user has been added."""
    return user_rows.count(conn) == 0


def roles_of(conn: Connection, user: str) -> frozenset[str]:
    return user_rows.roles_of(conn, user)


def authorize(conn: Connection, user: str, action: str) -> None:
    """Raise AccessDenied unless ``user`` may do ``action``."""
    if open_mode(conn):
        return
    held = roles_of(conn, user)
    if not held:
        raise AccessDenied(f"user {user!r} is not known to Siaran (see `siaran user list`)")
    if "admin" in held or held & ALLOWED[action]:
        return
    wanted = " or ".join(sorted(ALLOWED[action] | {"admin"}))
    raise AccessDenied(f"{user!r} may not {action.replace('_', ' ')}: needs role {wanted}")


def act(conn: Connection, *, user: str, action: str, entity: str, entity_id: int,
        now: datetime, **detail: object) -> None:
    """Authorise a user's action and record it in the audit log (same transaction)."""
    authorize(conn, user, action)
    audit.record(conn, actor=user, action=action, entity=entity, entity_id=entity_id,
                 now=now, **detail)


def require_second_pair_of_eyes(conn: Connection, user: str, author: str) -> None:
    """Outside open mode, the author of a post may not approve it."""
    if not open_mode(conn) and user == author:
        raise AccessDenied(f"{user!r} wrote this post; another approver must approve it")


def add_user(conn: Connection, *, acting: str, name: str, roles: list[str],
             now: datetime) -> None:
    """Add a user. The first user must be an admin (else nobody could add the next)."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise ConfigError(f"roles must be among {', '.join(ROLES)}; got {', '.join(roles)}")
    first = open_mode(conn)
    if first and "admin" not in roles:
        raise ConfigError("the first user must have the admin role")
    if not first:
        authorize(conn, acting, "user_add")
    if roles_of(conn, name):
        raise ConfigError(f"user {name!r} already exists")
    user_rows.add(conn, name, roles, now)
    audit.record(conn, actor=acting, action="user_add", entity="user", entity_id=0, now=now,
                 name=name, roles=sorted(set(roles)))


def all_users(conn: Connection) -> list[dict]:
    return user_rows.every(conn)
