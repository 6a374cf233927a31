"""Passwords: checked against a minimum length and a list of common ones, stored as argon2id.

Only the hash (a PHC string with its own salt and parameters) is kept. A hash made with
older parameters is replaced on the next successful sign-in.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from connectors.errors import NotAuthenticated, NotFound, ValidationError
from connectors.wording import Listed, Said
from orchestrator.access import roles
from orchestrator.access.accounts import Principal
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import users as user_rows

MIN_LENGTH = 12
MAX_LENGTH = 1024
HASHER = PasswordHasher()  # argon2id, the library's recommended parameters


@cache
def _dummy() -> str:
    """Verified when a user does not exist, so that the answer takes as long either way."""
    return HASHER.hash("not a password of anyone")


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords (lower case) that are refused."""
    text = files("orchestrator.access").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def problems(name: str, password: str) -> list[str]:
    """Why a password may not be used; empty when it may."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(Said("a password has at least {least} characters", least=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        found.append(Said("a password has at most {most} characters", most=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.") in common_passwords():
        found.append(Said("this password is on the list of common passwords"))
    if password.isdigit():
        found.append(Said("a password of digits alone is easy to guess"))
    if len(set(password)) < 4:
        found.append(Said("a password needs more than three different characters"))
    if len(name) >= 4 and name.lower() in lowered:
        found.append(Said("a password may not contain the user name"))
    return found


def set_password(ctx: Context, name: str, password: str) -> None:
    """Set a user's password: the user themself or an admin; audited, never logged."""
    refused = problems(name, password)
    if refused:
        raise ValidationError(Listed(refused), [("password", p) for p in refused])
    hashed = HASHER.hash(password)
    now = ctx.now()
    with ctx.db.write() as conn:
        roles.authorize_on(conn, ctx.user, "password_set", name)
        if not user_rows.set_password_hash(conn, name, hashed):
            raise NotFound(Said("no user named {name!r}", name=name))
        audit.record(conn, actor=ctx.user, action="password_set", entity="user", entity_id=0,
                     now=now, name=name)


def sign_in(ctx: Context, name: str, password: str) -> Principal:
    """The user whose password this is; NotAuthenticated otherwise (same answer for an
    unknown user, a user without a password and a wrong password)."""
    with ctx.db.read() as conn:
        hashed = user_rows.password_hash(conn, name) if len(name) <= roles.NAME_MAX else None
        held = roles.roles_of(conn, name) if hashed else frozenset()
    try:
        HASHER.verify(hashed or _dummy(), password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        hashed = None
    if not hashed or not held:
        raise NotAuthenticated("unknown user or wrong password")
    if HASHER.check_needs_rehash(hashed):
        with ctx.db.write() as conn:
            user_rows.set_password_hash(conn, name, HASHER.hash(password))
    return Principal(name, held)
