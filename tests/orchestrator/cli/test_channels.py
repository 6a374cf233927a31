"""Channels as operations use them: idempotent pause and resume, credential keys checked
against what the platform's connector reads, limits listed, operators re-authorising."""

from __future__ import annotations

import json

import pytest

from orchestrator.domain.states import ChannelState
from orchestrator.editorial import publishing, workflow
from orchestrator.store import channels as channel_rows
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")
TG_CREDS = credential_args("telegram")


@pytest.fixture
def cli(ctx, capsys):
    def run(*args: str, user: str = "admin") -> tuple[int, str, str]:
        return run_cli(capsys, "--user", user, *args)
    return run


def channels(cli) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(cli("channel", "list", "--json")[1])}


def test_pause_and_resume_twice_both_succeed(cli):
    assert cli("channel", "add", "tg", "--platform", "telegram", *TG_CREDS)[0] == 0
    for _ in range(2):
        code, out, err = cli("channel", "pause", "tg")
        assert code == 0, err
        assert out.strip() == "channel tg: paused"
    assert channels(cli)["tg"]["state"] == "paused"
    for _ in range(2):
        code, out, err = cli("channel", "resume", "tg")
        assert code == 0, err
        assert out.strip() == "channel tg: active"
    audit = json.loads(cli("audit", "--channel", "tg", "--json")[1])
    assert [e["action"] for e in audit] == ["channel_add", "channel_pause", "channel_resume",
                                            "channel_resume"]


def test_a_mistyped_credential_key_is_refused_with_the_keys_the_platform_reads(cli):
    code, out, err = cli("channel", "add", "x", "--platform", "x",
                         "--credential", "consumer_key=ck", "--credential", "consumer_secret=cs",
                         "--credential", "access_token=at",
                         "--credential", "acess_token_secret=SECRET-value")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "unknown credential key 'acess_token_secret'" in err
    assert "did you mean 'access_token_secret'" in err
    assert "known keys: access_token, access_token_secret, bearer_token" in err
    assert "SECRET-value" not in err
    assert channels(cli) == {}
    code, _, err = cli("channel", "add", "x", "--platform", "x", *X_CREDS,
                       "--credential", "Token-SECRET=1")
    assert code == 1 and "not a key name" in err and "SECRET" not in err
    assert cli("channel", "add", "tg", "--platform", "telegram", *TG_CREDS)[0] == 0
    code, _, err = cli("channel", "update", "tg", "--credential", "bot_token=2:new",
                       "--credential", "chatid=@setneg")
    assert code == 1 and "unknown credential key 'chatid'" in err and "'chat_id'" in err


def test_optional_keys_a_connector_reads_are_accepted(cli):
    assert cli("channel", "add", "x", "--platform", "x", *X_CREDS,
               "--credential", "media_upload=v1.1")[0] == 0
    assert cli("channel", "add", "web", "--platform", "wordpress",
               "--credential", "site_url=https://setneg.go.id", "--credential", "username=u",
               "--credential", "application_password=p")[0] == 0


def test_channel_list_shows_the_posting_limits(cli):
    cli("channel", "add", "x", "--platform", "x", *X_CREDS)
    cli("channel", "add", "tg", "--platform", "telegram", *TG_CREDS,
        "--rate-limit", "10/1m", "--rate-limit", "200/1d")
    cli("channel", "add", "fb", "--platform", "facebook", "--credential", "page_id=5",
        "--credential", "page_access_token=t")
    code, out, _ = cli("channel", "list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "RATE_LIMITS" in lines["NAME"]
    assert "100/15m" in lines["x"]
    assert "10/1m, 200/1d" in lines["tg"]
    assert "none" in lines["fb"]


def test_held_deliveries_say_why_in_words(cli, ctx):
    cli("channel", "add", "tg", "--platform", "telegram", *TG_CREDS)
    with ctx.db.write() as conn:
        channel = channel_rows.by_name(conn, "tg")
        channel_rows.move(conn, channel.id, ChannelState.ACTIVE, ChannelState.NEEDS_REAUTH)
    post_id = workflow.create_post(ctx, title="T", text="Halo", pillar="informatif",
                                   channels=["tg"])
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    publishing.publish_now(ctx, post_id)
    (held,) = json.loads(cli("deliveries", "--json")[1])
    assert held["status"] == "held"
    assert held["error"] == "channel tg needs re-authorisation"
    code, out, _ = cli("channel", "resume", "tg")
    assert code == 0 and out.strip() == "channel tg: active, 1 delivery released"


def test_an_operator_re_authorises_a_channel_and_resumes_it(cli, ctx):
    assert cli("user", "add", "admin", "--role", "admin")[0] == 0
    assert cli("user", "add", "citra", "--role", "operator")[0] == 0
    assert cli("user", "add", "ani", "--role", "author")[0] == 0
    cli("channel", "add", "tg", "--platform", "telegram", *TG_CREDS)
    with ctx.db.write() as conn:
        channel = channel_rows.by_name(conn, "tg")
        channel_rows.move(conn, channel.id, ChannelState.ACTIVE, ChannelState.NEEDS_REAUTH)
    code, out, err = cli("channel", "update", "tg", "--credential", "bot_token=2:fresh",
                         "--credential", "chat_id=@setneg", user="citra")
    assert code == 0, err
    assert "channel tg updated" in out and "needs re-authorisation" in out
    assert "siaran channel resume tg" in out
    with ctx.db.read() as conn:
        sealed = channel_rows.sealed_credentials(conn, channel.id)
    assert ctx.box.open(sealed) == {"bot_token": "2:fresh", "chat_id": "@setneg"}
    assert cli("channel", "resume", "tg", user="citra")[0] == 0
    assert channels(cli)["tg"]["state"] == "active"
    code, _, err = cli("channel", "update", "tg", "--rate-limit", "5/1m", user="citra")
    assert code == 1 and "needs role admin" in err
    code, _, err = cli("channel", "update", "tg", "--credential", "bot_token=3:x",
                       "--credential", "chat_id=@setneg", "--api-base", "https://h",
                       user="citra")
    assert code == 1 and "needs role admin" in err
    code, _, err = cli("channel", "update", "tg", "--credential", "bot_token=3:x",
                       "--credential", "chat_id=@setneg", user="ani")
    assert code == 1 and "operator" in err
    events = json.loads(cli("audit", "--channel", "tg", "--user", "citra", "--json")[1])
    assert [(e["action"], e["detail"].get("changed")) for e in events] == [
        ("channel_update", ["credentials"]), ("channel_resume", None)]
