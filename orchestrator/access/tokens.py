"""API tokens: shown once, kept only as a SHA-256 hash, acting as their user with the user's
roles, until they expire or are revoked.

A token is ``siaran_`` and 43 URL-safe characters (256 random bits); a hash of that much
randomness cannot be reversed, so a plain SHA-256 (fast enough for every request) is safe
where a password would need argon2.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from connectors.errors import ConfigError, InvalidTransition, NotAuthenticated, NotFound
from connectors.wording import Said
from orchestrator.access import roles
from orchestrator.access.accounts import Principal
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import tokens as rows
from orchestrator.store import users as user_rows

PREFIX = "siaran_"
MAX_DAYS = 3650
LABEL_MAX = 200


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(ctx: Context, user: str, *, label: str = "", expires_days: int | None = None,
                 ) -> dict:
    """A new token for ``user`` (admins only): ``{"token", "id"}``; the token is shown here
    once and never again."""
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise ConfigError(Said("a token expires after 1 to {most} days", most=MAX_DAYS))
    if len(label) > LABEL_MAX or not label.isprintable():
        raise ConfigError(Said("a token label is one line of at most {most} characters",
                               most=LABEL_MAX))
    now = ctx.now()
    with ctx.db.write() as conn:
        roles.authorize(conn, ctx.user, "token_create")
        return _issue(conn, ctx.user, user, label, expires_days, now, "token_create")


def sign_in_token(ctx: Context, principal: Principal, *, label: str, expires_days: int) -> dict:
    """A token for a user who has just proved their password."""
    now = ctx.now()
    with ctx.db.write() as conn:
        return _issue(conn, ctx.user, principal.name, label, expires_days, now, "sign_in")


def _issue(conn, acting: str, user: str, label: str, expires_days: int | None,
           now: datetime, action: str) -> dict:
    if not user_rows.exists(conn, user):
        raise NotFound(Said("no user named {name!r}", name=user))
    token = PREFIX + secrets.token_urlsafe(32)
    expires = now + timedelta(days=expires_days) if expires_days else None
    token_id = rows.add(conn, user=user, label=label, secret_hash=digest(token),
                        created_by=str(acting), now=now, expires_at=expires)
    audit.record(conn, actor=acting, action=action, entity="token", entity_id=token_id,
                 now=now, user=user, label=label, expires_at=expires)
    return {"token": token, "id": token_id}


def token_view(t: rows.TokenRow, now: datetime) -> dict:
    state = ("revoked" if t.revoked_at else
             "expired" if t.expires_at and t.expires_at <= now else "active")
    return {"id": t.id, "user": t.user, "label": t.label, "state": state,
            "created_at": t.created_at.isoformat(), "created_by": t.created_by,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}


def list_tokens(ctx: Context, *, limit: int = 1000, offset: int = 0,
                active_only: bool = False, newest_first: bool = False) -> list[dict]:
    """Every token (never the token itself), oldest first unless ``newest_first``; only the
    usable ones with ``active_only``: admins only."""
    now = ctx.now()
    with ctx.db.read() as conn:
        roles.authorize(conn, ctx.user, "token_list")
        return [token_view(t, now) for t in rows.every(
            conn, limit=limit, offset=offset, newest_first=newest_first,
            active_at=now if active_only else None)]


def get_token(ctx: Context, token_id: int) -> dict:
    """One token as :func:`list_tokens` shows it: admins only."""
    with ctx.db.read() as conn:
        roles.authorize(conn, ctx.user, "token_list")
        found = rows.get(conn, token_id)
    if found is None:
        raise NotFound(Said("no token with id {id}", id=str(token_id)))
    return token_view(found, ctx.now())


def revoke_token(ctx: Context, token_id: int) -> dict:
    """Revoke a token: its user or an admin. Revoking twice is refused."""
    now = ctx.now()
    with ctx.db.write() as conn:
        found = rows.get(conn, token_id)
        if found is None:
            roles.authorize(conn, ctx.user, "token_revoke")
            raise NotFound(Said("no token with id {id}", id=str(token_id)))
        roles.authorize_on(conn, ctx.user, "token_revoke", found.user)
        if not rows.revoke(conn, token_id, now):
            raise InvalidTransition(Said("token"), Said("revoked"), Said("revoked"))
        audit.record(conn, actor=ctx.user, action="token_revoke", entity="token",
                     entity_id=token_id, now=now, user=found.user)
        return token_view(rows.get(conn, token_id), now)


def authenticate(ctx: Context, token: str) -> Principal:
    """The user a token acts as; NotAuthenticated for an unknown, revoked or expired one."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise NotAuthenticated("the token is not valid")
    with ctx.db.read() as conn:
        found = rows.by_hash(conn, digest(token))
    if found is None:
        raise NotAuthenticated("the token is not valid")
    if found.revoked_at is not None:
        raise NotAuthenticated("the token has been revoked")
    if found.expires_at is not None and found.expires_at <= ctx.now():
        raise NotAuthenticated("the token has expired")
    return Principal(found.user_name, frozenset(found.roles.split(",")), found.id)
