"""Passwords (argon2id, a minimum length, no common ones) and API tokens (shown once, kept
as hashes, acting as their user until revoked or expired), through the CLI and the service
layer."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from connectors.errors import AccessDenied, NotAuthenticated, NotFound, ValidationError
from orchestrator.access import passwords, tokens
from orchestrator.cli.account_commands import read_password
from orchestrator.cli.main import main
from orchestrator.domain.actor import Actor
from orchestrator.store.schema import api_tokens, audit_events, users


@pytest.fixture
def cli(ctx, capsys, monkeypatch):
    def run(*args: str, user: str = "kepala", stdin: str | None = None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err
    assert run("user", "add", "kepala", "--role", "admin")[0] == 0
    assert run("user", "add", "ani", "--role", "author")[0] == 0
    return run


@pytest.mark.parametrize(("password", "why"), [
    ("pendek", "at least 12"), ("password1234", "common"), ("Bismillah2024!", "common"),
    ("aaaaaaaaaaaaaaaa", "three different"), ("202612012359", "digits alone"),
    ("ani-ani-ani-ani-x", None),
    ("kepala-kantor-humas", "user name"),
])
def test_password_rules(password, why):
    found = passwords.problems("kepala", password)
    if why is None:
        assert found == []
    else:
        assert any(why in p for p in found), found


def test_set_password_stores_only_an_argon2id_hash(cli, ctx):
    code, out, _ = cli("user", "set-password", "ani", stdin="kopi susu gula aren\n")
    assert code == 0 and "password of ani set" in out
    with ctx.db.read() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "ani")
                              ).scalar_one()
        audited = conn.execute(select(audit_events.c.detail).where(
            audit_events.c.action == "password_set")).scalar_one()
    assert stored.startswith("$argon2id$") and "kopi" not in stored and "kopi" not in audited
    assert passwords.sign_in(ctx, "ani", "kopi susu gula aren").name == "ani"
    with pytest.raises(NotAuthenticated):
        passwords.sign_in(ctx, "ani", "kopi susu gula merah")
    code, _, err = cli("user", "set-password", "ani", stdin="qwertyuiop123\n")
    assert code == 1 and "common passwords" in err


def test_only_the_user_or_an_admin_sets_a_password(cli):
    cli("user", "add", "budi", "--role", "approver")
    code, _, err = cli("user", "set-password", "budi", user="ani",
                       stdin="kopi susu gula aren\n")
    assert code == 1 and "may not password set" in err
    assert cli("user", "set-password", "ani", user="ani", stdin="kopi susu gula aren\n")[0] == 0


def test_a_terminal_is_asked_twice_without_echo(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["teh tarik panas sekali", "teh tarik panas sekali"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert read_password(Terminal()) == "teh tarik panas sekali"
    answers = iter(["teh tarik panas sekali", "lain lagi"])
    with pytest.raises(ValidationError, match="differ"):
        read_password(Terminal())


def test_tokens_are_shown_once_and_stored_as_hashes(cli, ctx):
    code, out, _ = cli("token", "create", "--user", "ani", "--label", "cms", "--expires", "30",
                       "--json")
    created = json.loads(out)
    assert code == 0 and set(created) == {"token", "id"}
    assert created["token"].startswith("siaran_")
    with ctx.db.read() as conn:
        row = conn.execute(select(api_tokens)).one()
    assert row.secret_hash == tokens.digest(created["token"])
    assert created["token"] not in str(tuple(row))
    listed = json.loads(cli("token", "list", "--json")[1])
    assert listed[0]["user"] == "ani" and listed[0]["state"] == "active"
    assert "token" not in listed[0] and created["token"] not in cli("token", "list")[1]
    principal = tokens.authenticate(ctx, created["token"])
    assert (principal.name, principal.roles, principal.token_id) == (
        "ani", frozenset({"author"}), created["id"])
    assert cli("token", "revoke", str(created["id"]))[0] == 0
    with pytest.raises(NotAuthenticated, match="revoked"):
        tokens.authenticate(ctx, created["token"])
    code, _, err = cli("token", "revoke", str(created["id"]))
    assert code == 1 and "revoked" in err


def test_only_admins_create_tokens_and_a_token_needs_a_user(cli):
    code, _, err = cli("token", "create", "--user", "ani", user="ani")
    assert code == 1 and "admin" in err
    code, _, err = cli("token", "create", "--user", "nobody")
    assert code == 1 and "no user named 'nobody'" in err
    code, _, err = cli("token", "list", user="ani")
    assert code == 1 and "admin" in err


def test_a_token_expires(cli, ctx):
    past = replace(ctx, clock=lambda: datetime.now(UTC) - timedelta(days=3),
                   actor=Actor("kepala"))
    made = tokens.create_token(past, "ani", expires_days=2)
    with pytest.raises(NotAuthenticated, match="expired"):
        tokens.authenticate(ctx, made["token"])
    assert json.loads(cli("token", "list", "--json")[1])[0]["state"] == "expired"
    for bad in ("", "siaran_", "Bearer x", "siaran_" + "x" * 300):
        with pytest.raises(NotAuthenticated):
            tokens.authenticate(ctx, bad)


def test_revoking_anothers_token_needs_an_admin(cli, ctx):
    made = tokens.create_token(ctx.acting_as(Actor("kepala")), "kepala")
    with pytest.raises(AccessDenied):
        tokens.revoke_token(ctx.acting_as(Actor("ani")), made["id"])
    with pytest.raises(AccessDenied):
        tokens.revoke_token(ctx.acting_as(Actor("ani")), 999)


def test_tokens_are_listed_newest_first_or_only_the_usable_ones(cli, ctx):
    admin = ctx.acting_as(Actor("kepala"))
    past = replace(ctx, clock=lambda: datetime.now(UTC) - timedelta(days=3),
                   actor=Actor("kepala"))
    expired = tokens.create_token(past, "ani", label="lama", expires_days=1)
    revoked = tokens.create_token(admin, "ani", label="dicabut")
    tokens.revoke_token(admin, revoked["id"])
    usable = [tokens.create_token(admin, "ani", label=f"t{i}")["id"] for i in range(3)]
    assert [t["id"] for t in tokens.list_tokens(admin)] == [
        expired["id"], revoked["id"], *usable]
    assert [t["id"] for t in tokens.list_tokens(admin, newest_first=True, limit=2)] == [
        usable[2], usable[1]]
    assert [t["id"] for t in tokens.list_tokens(admin, active_only=True)] == usable
    assert tokens.get_token(admin, revoked["id"])["state"] == "revoked"
    with pytest.raises(NotFound):
        tokens.get_token(admin, 10_000)
    with pytest.raises(AccessDenied):
        tokens.get_token(ctx.acting_as(Actor("ani")), usable[0])
    listed = json.loads(cli("token", "list", "--json")[1])  # every page of them
    assert [t["id"] for t in listed] == [expired["id"], revoked["id"], *usable]
