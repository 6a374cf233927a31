"""API token rows: only a hash of each token is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from orchestrator.store.schema import api_tokens, users


@dataclass(frozen=True)
class TokenRow:
    id: int
    user: str
    label: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None


def _row(r) -> TokenRow:
    return TokenRow(r.id, r.user_name, r.label, r.created_at, r.created_by, r.expires_at,
                    r.revoked_at)


def add(conn: Connection, *, user: str, label: str, secret_hash: str, created_by: str,
        now: datetime, expires_at: datetime | None) -> int:
    return conn.execute(insert(api_tokens).values(
        user_name=user, label=label, secret_hash=secret_hash, created_at=now,
        created_by=created_by, expires_at=expires_at)).inserted_primary_key[0]


_BY_HASH = (select(api_tokens.c.id, api_tokens.c.user_name, api_tokens.c.expires_at,
                   api_tokens.c.revoked_at, users.c.roles)
            .join(users, users.c.name == api_tokens.c.user_name)
            .where(api_tokens.c.secret_hash == bindparam("h")))


def by_hash(conn: Connection, secret_hash: str):
    """(id, user_name, expires_at, revoked_at, roles) of the token with this hash, or None."""
    return conn.execute(_BY_HASH, {"h": secret_hash}).first()


def get(conn: Connection, token_id: int) -> TokenRow | None:
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    return None if row is None else _row(row)


def every(conn: Connection, *, user: str | None = None, limit: int = 1000, offset: int = 0,
          active_at: datetime | None = None, newest_first: bool = False) -> list[TokenRow]:
    """Tokens, oldest first unless ``newest_first``; with ``active_at``, only those neither
    revoked nor expired at that moment."""
    order = api_tokens.c.id.desc() if newest_first else api_tokens.c.id
    query = select(api_tokens).order_by(order).limit(limit).offset(offset)
    if user is not None:
        query = query.where(api_tokens.c.user_name == user)
    if active_at is not None:
        query = query.where(api_tokens.c.revoked_at.is_(None), or_(
            api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > active_at))
    return [_row(r) for r in conn.execute(query)]


def revoke(conn: Connection, token_id: int, now: datetime) -> bool:
    """Revoke a token that is not revoked yet; True if this call revoked it."""
    return conn.execute(update(api_tokens).where(
        api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None),
    ).values(revoked_at=now)).rowcount == 1
