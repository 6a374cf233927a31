"""The command line contract: JSON output, one-line errors, nothing written on bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from orchestrator.cli.main import main
from orchestrator.store.schema import audit_events, channels, deliveries, posts

X_CREDS = ["--credential", "consumer_key=ck", "--credential", "consumer_secret=cs",
           "--credential", "access_token=at", "--credential", "access_token_secret=ats-XYZ"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def counts(ctx) -> tuple[int, ...]:
    with ctx.db.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (channels, posts, deliveries, audit_events))


@pytest.fixture
def cli(ctx, capsys):
    assert run(capsys, "channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    return lambda *args: run(capsys, *args)


def future(hours: float = 2) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def test_post_lifecycle_through_the_cli(cli, ctx):
    code, out, _ = cli("post", "create", "--title", "T", "--text", "Halo", "--pillar",
                       "informatif", "--channel", "x-main", "--at", future(), "--json")
    assert code == 0
    post_id = json.loads(out)["id"]
    assert cli("post", "submit", str(post_id))[0] == 0
    assert cli("--user", "kabag", "post", "approve", str(post_id))[0] == 0
    shown = json.loads(cli("post", "show", str(post_id), "--json")[1])
    assert shown["status"] == "approved" and shown["approver"] == "kabag"
    assert shown["author"] == "editor"
    assert [d["status"] for d in shown["deliveries"]] == ["pending"]
    assert {"id", "title", "status", "scheduled_at", "deliveries"} <= shown.keys()
    assert {"id", "channel", "platform", "status", "external_id", "permalink", "attempts",
            "error_kind", "error"} <= shown["deliveries"][0].keys()
    assert [e["action"] for e in shown["audit"]] == ["create", "submit", "approve"]
    calendar = json.loads(cli("calendar", "--json")[1])
    assert [p["id"] for p in calendar] == [post_id]
    listed = json.loads(cli("channel", "list", "--json")[1])
    assert listed == [{"id": 1, "name": "x-main", "platform": "x", "api_base": None,
                       "site_url": None,
                       "state": "active", "rate_limits": ["100/15m"]}]
    assert cli("post", "cancel", str(post_id))[0] == 0
    assert json.loads(cli("post", "show", str(post_id), "--json")[1])["status"] == "cancelled"


def test_time_without_offset_is_read_in_the_office_zone(cli):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    code, out, _ = cli("post", "create", "--title", "T", "--text", "x", "--pillar", "informatif",
                       "--channel", "x-main", "--at", f"{tomorrow} 09:00", "--json")
    shown = json.loads(cli("post", "show", str(json.loads(out)["id"]), "--json")[1])
    assert shown["scheduled_at"] == f"{tomorrow}T09:00:00+07:00"


@pytest.mark.parametrize(("written", "local"), [("09.00 WIB", "09:00"), ("09:00 WITA", "08:00"),
                                                ("09:00 WIT", "07:00")])
def test_indonesian_zone_names_are_understood(cli, written, local):
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    code, out, err = cli("post", "create", "--title", "T", "--text", "x", "--pillar", "informatif",
                         "--channel", "x-main", "--at", f"{tomorrow} {written}", "--json")
    assert code == 0, err
    shown = json.loads(cli("post", "show", str(json.loads(out)["id"]), "--json")[1])
    assert shown["scheduled_at"] == f"{tomorrow}T{local}:00+07:00"


BAD_INPUT = [
    (["channel", "add", "y", "--platform", "myspace", "--credential", "a=b"],
     "unknown platform 'myspace'"),
    (["channel", "add", "y", "--platform", "x", "--credential", "consumer_key=ck"],
     "x channel needs credentials"),
    (["channel", "add", "y", "--platform", "facebook", "--credential", "page_id"],
     "KEY=VALUE"),
    (["channel", "add", "x-main", "--platform", "x", *X_CREDS], "already exists"),
    (["channel", "add", "y", "--platform", "x", "--api-base", "ftp://h", *X_CREDS],
     "http(s) URL"),
    (["channel", "add", "x\tmain", "--platform", "x", *X_CREDS], "printable text on one line"),
    (["channel", "add", "k" * 101, "--platform", "x", *X_CREDS], "at most 100 characters"),
    (["post", "create", "--title", "T", "--text", "t", "--pillar=informatif", "--channel", "nope"],
     "no channel named 'nope'"),
    (["post", "create", "--title", "T", "--text", "t", "--pillar=informatif",
      "--channel", "x-main",
      "--at", "2020-01-01 09:00"], "scheduled time 2020-01-01 09:00 WIB is in the past"),
    (["post", "create", "--title", "T", "--text", "t", "--pillar=informatif",
      "--channel", "x-main",
      "--at", "2020-01-01T02:00Z"], "scheduled time 2020-01-01 09:00 WIB is in the past"),
    (["post", "create", "--title", "T", "--text", "t", "--pillar=informatif",
      "--channel", "x-main",
      "--at", "2030-12-01"], "'2030-12-01' is a day without a time of day"),
    (["post", "create", "--title", "T", "--text", "t", "--pillar=informatif",
      "--channel", "x-main",
      "--at", "besok pagi"], "cannot read time"),
    (["post", "create", "--title", " ", "--text", "", "--pillar=informatif", "--channel", "x-main"],
     "title is empty; text is empty"),
    (["post", "approve", "4242"], "no post with id 4242"),
    (["post", "publish-now", "4242"], "no post with id 4242"),
    (["post", "show", "4242"], "no post with id 4242"),
    (["deliveries", "retry", "4242"], "no delivery with id 4242"),
    (["calendar", "--from", "2026-13-01"], "cannot read date"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT,
                         ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _) in enumerate(BAD_INPUT)])
def test_bad_input_is_one_line_nonzero_and_writes_nothing(cli, ctx, args, message):
    before = counts(ctx)
    code, out, err = cli(*args)
    assert code == 1
    assert err.startswith("siaran: error: ") and err.count("\n") == 1, err
    assert message in err
    assert out == ""
    assert counts(ctx) == before
    assert "ats-XYZ" not in err


def test_illegal_workflow_steps_are_refused_with_the_states(cli, ctx):
    _, out, _ = cli("post", "create", "--title", "T", "--text", "t", "--pillar", "informatif",
                    "--channel", "x-main", "--json")
    post_id = json.loads(out)["id"]
    code, _, err = cli("post", "approve", str(post_id))
    assert code == 1 and "post cannot go from draft to approved" in err
    code, _, err = cli("post", "publish-now", str(post_id))
    assert code == 1 and "draft to publishing" in err


def test_credentials_never_appear_in_any_output(cli, ctx):
    out = cli("channel", "list", "--json")[1] + cli("channel", "list")[1]
    assert "ats-XYZ" not in out and "cs" not in out.split()
    with ctx.db.read() as conn:
        raw = conn.execute(select(channels.c.credentials)).scalar_one()
        audit = conn.execute(select(audit_events.c.detail)).scalars().all()
    assert "ats-XYZ" not in raw
    assert all("ats-XYZ" not in a for a in audit)


def test_commands_refuse_an_uninitialised_database(siaran_env, capsys):
    code, _, err = run(capsys, "channel", "list")
    assert code == 1 and "siaran init" in err


def test_channel_update_replaces_credentials_and_limits(cli, ctx):
    code, _, err = cli("channel", "update", "x-main", "--credential", "bearer_token=NEW-tok",
                       "--rate-limit", "50/1h")
    assert code == 0, err
    listed = json.loads(cli("channel", "list", "--json")[1])
    assert listed[0]["rate_limits"] == ["50/1h"]
    with ctx.db.read() as conn:
        from orchestrator.store import channels as rows

        sealed = rows.sealed_credentials(conn, listed[0]["id"])
    assert ctx.box.open(sealed) == {"bearer_token": "NEW-tok"}
    code, _, err = cli("channel", "update", "x-main", "--credential", "consumer_key=only")
    assert code == 1 and "needs credentials" in err and "only" not in err
    code, _, err = cli("channel", "update", "x-main")
    assert code == 1 and "nothing to change" in err


def test_one_delivery_is_cancelled_and_the_post_goes_on(cli, ctx):
    assert cli("channel", "add", "x-two", "--platform", "x", *X_CREDS)[0] == 0
    post_id = json.loads(cli("post", "create", "--title", "T", "--text", "Halo", "--pillar",
                             "informatif", "--channel", "x-main", "--channel", "x-two",
                             "--at", future(), "--json")[1])["id"]
    cli("post", "submit", str(post_id))
    cli("--user", "kabag", "post", "approve", str(post_id))
    first, second = json.loads(cli("post", "show", str(post_id), "--json")[1])["deliveries"]
    code, out, _ = cli("deliveries", "cancel", str(first["id"]), "--json")
    assert code == 0 and json.loads(out) == {"id": first["id"], "status": "cancelled"}
    shown = json.loads(cli("post", "show", str(post_id), "--json")[1])
    assert [d["status"] for d in shown["deliveries"]] == ["cancelled", "pending"]
    assert shown["status"] == "approved"
    code, _, err = cli("deliveries", "cancel", str(first["id"]))
    assert code == 1 and "cannot go from cancelled" in err
    listed = json.loads(cli("deliveries", "--status", "cancelled", "--json")[1])
    assert [d["id"] for d in listed] == [first["id"]]
