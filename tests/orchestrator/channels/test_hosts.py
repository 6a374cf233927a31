"""Where credentials may go: https hosts, loopback hosts for sandboxes and staging, others
only by an audited exception; every host change in the audit log; ``channel check``
authorised and audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from orchestrator.store.schema import audit_events
from tests.fixtures.sandbox import credential_args, credentials
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")
WP_CREDS = ["--credential", "username=humas", "--credential",
            "application_password=SECRET wp01 pass"]


def audit(ctx, action: str) -> list[dict]:
    with ctx.db.read() as conn:
        rows = conn.execute(select(audit_events.c.actor, audit_events.c.detail)
                            .where(audit_events.c.action == action)
                            .order_by(audit_events.c.id)).all()
    return [{"actor": r.actor, **json.loads(r.detail)} for r in rows]


@pytest.mark.parametrize("flag, url", [
    ("--api-base", "http://staging.example.go.id"),
    ("--api-base", "http://10.0.0.5:8080"),
    ("--credential", "site_url=http://setneg.go.id"),
])
def test_a_plain_http_host_is_refused(ctx, capsys, flag, url):
    creds = WP_CREDS if "site_url" in url else [*WP_CREDS, "--credential",
                                                 "site_url=https://setneg.go.id"]
    code, out, err = run_cli(capsys, "channel", "add", "web", "--platform", "wordpress", flag, url,
                             *creds)
    assert code == 1 and "must use https://" in err and "clear text" in err
    assert "SECRET" not in err
    assert json.loads(run_cli(capsys, "channel", "list", "--json")[1]) == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123", "http://localhost:8123",
                                 "http://[::1]:8123", "https://api.staging.example"])
def test_loopback_and_https_hosts_are_accepted(ctx, capsys, url):
    code, _, err = run_cli(capsys, "channel", "add", "x", "--platform", "x", "--api-base", url,
                           *X_CREDS)
    assert code == 0, err
    (added,) = audit(ctx, "channel_add")
    assert added["api_base"] == url and "insecure_hosts_allowed" not in added


def test_an_insecure_host_is_allowed_only_explicitly_and_audited(ctx, capsys):
    code, _, err = run_cli(capsys, "channel", "add", "x", "--platform", "x", "--api-base",
                           "http://staging.lan", "--allow-insecure-host", *X_CREDS)
    assert code == 0, err
    (added,) = audit(ctx, "channel_add")
    assert added["insecure_hosts_allowed"] == ["http://staging.lan"]


def test_a_url_carrying_a_password_is_refused_without_echo(ctx, capsys):
    code, _, err = run_cli(capsys, "channel", "add", "web", "--platform", "wordpress",
                           "--credential", "site_url=https://humas:SECRET-pw@setneg.go.id",
                           *WP_CREDS)
    assert code == 1 and "must not carry a user name or password" in err
    assert "SECRET" not in err


def test_every_host_change_is_audited_from_and_to(ctx, capsys):
    assert run_cli(capsys, "channel", "add", "web", "--platform", "wordpress", "--credential",
                   "site_url=https://lama.go.id/", *WP_CREDS)[0] == 0
    (added,) = audit(ctx, "channel_add")
    assert added["site_url"] == "https://lama.go.id" and added["api_base"] is None
    assert run_cli(capsys, "channel", "update", "web",
                   "--api-base", "https://staging.go.id")[0] == 0
    assert run_cli(capsys, "channel", "update", "web", "--credential",
                   "site_url=https://baru.go.id", *WP_CREDS)[0] == 0
    first, second = audit(ctx, "channel_update")
    assert first["api_base"] == {"from": None, "to": "https://staging.go.id"}
    assert second["site_url"] == {"from": "https://lama.go.id", "to": "https://baru.go.id"}
    assert all("SECRET" not in json.dumps(e) for e in (added, first, second))


def test_channel_show_names_the_wordpress_host(ctx, capsys):
    assert run_cli(capsys, "channel", "add", "web", "--platform", "wordpress", "--credential",
                   "site_url=https://setneg.go.id", *WP_CREDS)[0] == 0
    code, out, _ = run_cli(capsys, "channel", "show", "web")
    assert code == 0 and "site_url: https://setneg.go.id" in out
    shown = json.loads(run_cli(capsys, "channel", "show", "web", "--json")[1])
    assert shown["site_url"] == "https://setneg.go.id" and "SECRET" not in json.dumps(shown)


def test_channel_check_is_authorised_before_anything_is_decrypted_or_sent(ctx, capsys,
                                                                          sandbox):
    creds = [f"--credential={k}={v}" for k, v in credentials("x", "1001").items()]
    assert run_cli(capsys, "channel", "add", "x", "--platform", "x", "--api-base", sandbox.url,
                   *creds)[0] == 0
    assert run_cli(capsys, "user", "add", "boss", "--role", "admin")[0] == 0
    assert run_cli(capsys, "--user", "boss", "user", "add", "ops", "--role", "operator")[0] == 0
    sandbox.reset()
    code, _, err = run_cli(capsys, "--user", "stranger", "channel", "check", "x")
    assert code == 1 and "not known to Siaran" in err
    assert sandbox.requests("x") == []
    assert audit(ctx, "channel_check") == []
    code, out, err = run_cli(capsys, "--user", "ops", "channel", "check", "x", "--json")
    assert code == 0 and json.loads(out)["ok"] is True, err
    (checked,) = audit(ctx, "channel_check")
    assert checked["actor"] == "ops" and checked["ok"] is True
    assert checked["host"] == "127.0.0.1"


def test_init_warns_about_a_channel_stored_with_a_plain_http_host(ctx, capsys):
    assert run_cli(capsys, "channel", "add", "x", "--platform", "x", *X_CREDS)[0] == 0
    from orchestrator.store import channels as channel_rows

    with ctx.db.write() as conn:  # as an older version allowed
        channel_rows.change(conn, 1, api_base="http://staging.example.go.id")
    code, _, err = run_cli(capsys, "init")
    assert code == 0 and "channel x sends its credentials over plain http" in err
