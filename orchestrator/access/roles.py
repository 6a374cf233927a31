"""Who may do what: roles, and the one gate every user action passes through.

Roles: ``author`` writes, edits and submits posts; ``approver`` approves, rejects and
publishes now; ``operator`` retries and resolves deliveries, pauses, resumes and checks
channels and gives a channel new credentials after re-authorising it; ``admin`` may do
everything, including adding channels, changing their API base or limits, adding users and
rotating the key.

Until the first user is added, Siaran is in *open mode*: every named user may do everything
(a one-person office, the demo). Once users exist, every action is checked against the
acting user's roles, and nobody approves a post they wrote (four eyes). Open mode is for the
command line on the server only: the HTTP API refuses every request until an admin exists.

The audit event of an action names the acting user and where the action came from: the API
token and client address an :class:`~orchestrator.domain.actor.Actor` carries, or ``cli``.
"""

from __future__ import annotations

from datetime import datetime

from connectors.errors import AccessDenied, AlreadyExists, ConfigError
from connectors.wording import Said, either, word
from orchestrator.domain.model import ROLES
from orchestrator.store import audit
from orchestrator.store import users as user_rows
from orchestrator.store.db import Connection

ALLOWED: dict[str, frozenset[str]] = {
    "create": frozenset({"author"}),
    "edit": frozenset({"author"}),
    "submit": frozenset({"author"}),
    "media_upload": frozenset({"author"}),
    "cancel": frozenset({"author", "approver"}),
    "approve": frozenset({"approver"}),
    "reject": frozenset({"approver"}),
    "publish_now": frozenset({"approver"}),
    "retry": frozenset({"operator"}),
    "resolve": frozenset({"operator"}),
    "delivery_cancel": frozenset({"operator"}),
    "channel_pause": frozenset({"operator"}),
    "channel_resume": frozenset({"operator"}),
    "channel_check": frozenset({"operator"}),
    "channel_reauthorise": frozenset({"operator"}),
    "channel_add": frozenset(),
    "channel_update": frozenset(),
    "user_add": frozenset(),
    "keys_rotate": frozenset(),
    "user_list": frozenset(),
    "password_set": frozenset(),
    "token_create": frozenset(),
    "token_list": frozenset(),
    "token_revoke": frozenset(),
    "audit_list": frozenset(),
    # The calendar (schedules/): pillars, posting slots, series, the embargo.
    "pillar_add": frozenset({"approver"}),
    "pillar_update": frozenset({"approver"}),
    "channel_slots": frozenset({"approver"}),
    "series_create": frozenset({"author"}),
    "series_submit": frozenset({"author"}),
    "series_approve": frozenset({"approver"}),
    "series_cancel": frozenset({"author", "approver"}),
    "embargo": frozenset({"approver"}),
    "embargo_lift": frozenset({"approver"}),
    "override_embargo": frozenset(),
    # Engagement read back outside its schedule (ops/engagement).
    "engagement_pull": frozenset({"operator"}),
    # Alerts (ops/alerts): where they go is an admin's.
    "alert_add": frozenset(),
    "alert_list": frozenset(),
    "alert_test": frozenset(),
    "alert_remove": frozenset(),
}
#: Actions a user may always take on themselves (their own password, their own tokens).
ON_ONESELF = frozenset({"password_set", "token_revoke"})
NAME_MAX = 100


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
        raise AccessDenied(Said("user {user!r} is not known to Siaran (see `siaran user list`)",
                                user=user))
    if "admin" in held or held & ALLOWED[action]:
        return
    raise AccessDenied(Said("{user!r} may not {action}: needs role {wanted}", user=user,
                            action=action_word(action),
                            wanted=either(sorted(ALLOWED[action] | {"admin"}))))


def action_word(action: str) -> Said:
    """An action as messages name it: ``publish_now`` → ``publish now``."""
    return word(action.replace("_", " "))


def authorize_on(conn: Connection, user: str, action: str, subject: str) -> None:
    """Like :func:`authorize`, but a known user may always do an ``ON_ONESELF`` action to
    themselves."""
    if action in ON_ONESELF and user == subject and roles_of(conn, user):
        return
    authorize(conn, user, action)


def act(conn: Connection, *, user: str, action: str, entity: str, entity_id: int,
        now: datetime, **detail: object) -> None:
    """Authorise a user's action and record it in the audit log (same transaction), with
    the token and client address the acting :class:`~orchestrator.domain.actor.Actor`
    carries."""
    authorize(conn, user, action)
    audit.record(conn, actor=user, action=action, entity=entity, entity_id=entity_id,
                 now=now, **detail)


def require_second_pair_of_eyes(conn: Connection, user: str, author: str,
                                post_id: int | None = None) -> None:
    """Outside open mode, nobody approves a post they wrote or edited."""
    if open_mode(conn):
        return
    if user == author:
        raise AccessDenied(Said("{user!r} wrote this post; another approver must approve it",
                                user=user))
    if post_id is not None and user in audit.actors(conn, "post", post_id, ("edit",)):
        raise AccessDenied(Said("{user!r} edited this post; another approver must approve it",
                                user=user))


def add_user(conn: Connection, *, acting: str, name: str, roles: list[str],
             now: datetime) -> None:
    """Add a user. The first user must be an admin (else nobody could add the next)."""
    name = checked_name(name)
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise ConfigError(Said("roles must be among {roles}; got {given}",
                               roles=", ".join(ROLES), given=", ".join(roles)))
    first = open_mode(conn)
    if first and "admin" not in roles:
        raise ConfigError(Said("the first user must have the admin role"))
    if not first:
        authorize(conn, acting, "user_add")
    if roles_of(conn, name):
        raise AlreadyExists(Said("user {name!r} already exists", name=name))
    user_rows.add(conn, name, roles, now)
    audit.record(conn, actor=acting, action="user_add", entity="user", entity_id=0, now=now,
                 name=name, roles=sorted(set(roles)))


def all_users(conn: Connection) -> list[dict]:
    return user_rows.every(conn)


def checked_name(name: str) -> str:
    """A user name is one line of printable text without spaces, at most ``NAME_MAX``."""
    if not name or not name.isprintable() or any(c.isspace() for c in name):
        raise ConfigError(Said("a user name is printable text without spaces or line breaks"))
    if len(name) > NAME_MAX:
        raise ConfigError(Said("a user name has at most {most} characters", most=NAME_MAX))
    return name
