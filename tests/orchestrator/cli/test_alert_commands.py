"""``siaran alert add/list/test/remove``: each kind of target, its refusals, admins only,
audited, and no secret ever printed."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tests.fixtures.alerts import OPS_BOT_TOKEN, SMTP_PASSWORD, SMTP_USER, WEBHOOK_SECRET
from tests.fixtures.services import run_cli


@pytest.fixture
def cli(ctx, capsys, monkeypatch):
    def run(*args: str, user: str = "admin", stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return run_cli(capsys, "--user", user, *args)
    return run


def test_add_list_test_remove(cli, webhook_receiver, smtp_server, sandbox, ops_chat):
    code, out, err = cli("alert", "add", "ops-hook", "--target", "webhook", "--url",
                         webhook_receiver.url, "--secret", WEBHOOK_SECRET, "--digest")
    assert code == 0, err
    assert out.strip() == (f"alert target ops-hook (webhook) → {webhook_receiver.url}, "
                           "with the daily digest")
    code, out, err = cli("alert", "add", "ops-tg", "--target", "telegram", "--bot-token",
                         OPS_BOT_TOKEN, "--chat-id", ops_chat, "--api-base", sandbox.url)
    assert code == 0, err
    code, out, err = cli("alert", "add", "ops-mail", "--target", "email", "--smtp-host",
                         smtp_server.host, "--smtp-port", str(smtp_server.port), "--starttls",
                         "--username", SMTP_USER, "--password-stdin",
                         "--from", "siaran@humas.example.go.id",
                         "--to", "ops@humas.example.go.id", "--to", "tim@humas.example.go.id",
                         stdin=SMTP_PASSWORD + "\n")
    assert code == 0, err

    code, out, err = cli("alert", "list", "--json")
    listed = {t["name"]: t for t in json.loads(out)}
    assert set(listed) == {"ops-hook", "ops-tg", "ops-mail"}
    assert listed["ops-mail"]["settings"]["to"] == ["ops@humas.example.go.id",
                                                    "tim@humas.example.go.id"]
    assert listed["ops-mail"]["settings"]["port"] == smtp_server.port
    assert listed["ops-hook"]["digest"] is True and listed["ops-tg"]["digest"] is False
    for name in listed:
        code, out, err = cli("alert", "test", name)
        assert code == 0, err
        assert out.startswith(f"test alert sent to {name}")
    assert len(webhook_receiver.received) == 1
    assert len(smtp_server.messages) == 1
    assert sandbox.posts("telegram", ops_chat)[0].text.startswith("[Siaran] Test alert")
    code, text, err = cli("alert", "list")
    assert "test sent" in text and "ops-tg" in text

    code, audit_out, err = cli("audit", "--json")
    actions = [e["action"] for e in json.loads(audit_out)]
    assert actions.count("alert_add") == 3 and actions.count("alert_test") == 3
    everything = out + text + audit_out
    for secret in (WEBHOOK_SECRET, OPS_BOT_TOKEN, SMTP_PASSWORD):
        assert secret not in everything
        assert secret not in cli("alert", "list", "--json")[1]

    assert cli("alert", "remove", "ops-tg")[0] == 0
    assert "ops-tg" not in cli("alert", "list")[1]
    code, out, err = cli("alert", "test", "ops-tg")
    assert code == 1 and "no alert target named 'ops-tg'" in err


def test_a_test_that_fails_says_why_and_exits_1(cli):
    assert cli("alert", "add", "closed", "--target", "webhook", "--url",
               "http://127.0.0.1:9/hook", "--secret", WEBHOOK_SECRET)[0] == 0
    code, out, err = cli("alert", "test", "closed")
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "siaran: error: test alert to closed (http://127.0.0.1:9/hook) not sent: "
        "could not connect")


@pytest.mark.parametrize(("args", "message"), [
    (("--target", "webhook", "--url", "ftp://x.example/h", "--secret", WEBHOOK_SECRET),
     "--url must be an http(s) URL"),
    (("--target", "webhook", "--url", "http://ops.example.go.id/h", "--secret",
      WEBHOOK_SECRET), "--url must use https://: ops.example.go.id is not a loopback host"),
    (("--target", "webhook", "--url", "https://ops.example.go.id/h"), "needs --secret"),
    (("--target", "webhook", "--url", "https://ops.example.go.id/h", "--secret", "short"),
     "at least 16 characters"),
    (("--target", "webhook", "--url", "https://ops.example.go.id/h", "--secret",
      WEBHOOK_SECRET, "--chat-id", "-100"), "--chat-id is not for a webhook target"),
    (("--target", "telegram", "--bot-token", "nonsense", "--chat-id", "-100"),
     "needs --bot-token"),
    (("--target", "telegram", "--bot-token", "1:abc"), "needs --chat-id"),
    (("--target", "telegram", "--bot-token", "1:abc", "--chat-id", "-100", "--api-base",
      "http://api.example.org"), "--api-base must use https://"),
    (("--target", "email", "--smtp-host", "smtp.example.go.id", "--from", "a@b.go.id"),
     "needs at least one --to"),
    (("--target", "email", "--smtp-host", "smtp.example.go.id", "--from", "a@b.go.id",
      "--to", "not-an-address"), "'not-an-address' is not an e-mail address"),
    (("--target", "email", "--smtp-host", "smtp.example.go.id", "--from", "a@b.go.id",
      "--to", "c@d.go.id", "--username", "u"), "needs the password on standard input"),
    (("--target", "email", "--smtp-host", "smtp.example.go.id", "--from", "a@b.go.id",
      "--to", "c@d.go.id", "--username", "u", "--password-stdin"),
     "standard input gave no password"),
    (("--target", "pager",), "invalid choice: 'pager'"),
])
def test_refusals(cli, args, message):
    code, out, err = cli("alert", "add", "bad", *args)
    assert code == 1
    assert message in err, err
    assert len(err.strip().splitlines()) == 1
    assert WEBHOOK_SECRET not in err
    assert json.loads(cli("alert", "list", "--json")[1]) == []


def test_plain_smtp_login_to_a_remote_host_is_refused(cli):
    code, out, err = cli("alert", "add", "m", "--target", "email", "--smtp-host",
                         "smtp.example.go.id", "--from", "a@b.go.id", "--to", "c@d.go.id",
                         "--username", "u", "--password-stdin", stdin="pw\n")
    assert code == 1 and "add --starttls" in err


def test_only_admins_manage_alerts(cli, webhook_receiver):
    assert cli("user", "add", "admin", "--role", "admin")[0] == 0
    assert cli("user", "add", "ops", "--role", "operator")[0] == 0
    add = ("alert", "add", "h", "--target", "webhook", "--url", webhook_receiver.url,
           "--secret", WEBHOOK_SECRET)
    code, out, err = cli(*add, user="ops")
    assert code == 1 and "may not alert add: needs role admin" in err
    assert cli(*add)[0] == 0
    for action in (("list",), ("test", "h"), ("remove", "h")):
        code, out, err = cli("alert", *action, user="ops")
        assert code == 1 and "needs role admin" in err, err
    assert webhook_receiver.received == []
    code, out, err = cli("alert", "add", "h", "--target", "webhook", "--url",
                         webhook_receiver.url, "--secret", WEBHOOK_SECRET)
    assert code == 1 and "already exists" in err
