"""Credentials from a file, from standard input or asked for; never echoed."""

from __future__ import annotations

import io
import json

import pytest

from orchestrator.cli.main import main
from orchestrator.store import channels as channel_rows

X = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at",
     "access_token_secret": "SECRET-ats"}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stored(ctx, name: str) -> dict[str, str]:
    with ctx.db.read() as conn:
        channel = channel_rows.by_name(conn, name)
        return ctx.box.open(channel_rows.sealed_credentials(conn, channel.id))


def test_a_credential_without_a_key_is_never_echoed(ctx, capsys):
    code, out, err = run(capsys, "channel", "add", "x", "--platform", "x",
                         "--credential", "consumer_key=ck", "--credential", "SECRET-token-only")
    assert code == 1 and out == ""
    assert "--credential number 2 must look like KEY=VALUE" in err and "SECRET" not in err


@pytest.mark.parametrize("text", [json.dumps(X), "\n".join(f"{k}={v}" for k, v in X.items())
                                  + "\n# a comment\n"], ids=["json", "lines"])
def test_credentials_from_a_file(ctx, capsys, tmp_path, text):
    path = tmp_path / "x.creds"
    path.write_text(text)
    path.chmod(0o600)
    code, _, err = run(capsys, "channel", "add", "x", "--platform", "x",
                       "--credentials-file", str(path))
    assert code == 0 and err == "", err
    assert stored(ctx, "x") == X


def test_a_credential_file_readable_by_others_is_warned_about(ctx, capsys, tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(X))
    path.chmod(0o644)
    code, _, err = run(capsys, "channel", "add", "x", "--platform", "x",
                       "--credentials-file", str(path))
    assert code == 0 and "can be read by other users" in err and "SECRET" not in err


def test_credentials_from_standard_input(ctx, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(X)))
    assert run(capsys, "channel", "add", "x", "--platform", "x", "--credentials-file", "-")[0] == 0
    assert stored(ctx, "x") == X


def test_a_value_asked_for_comes_from_standard_input(ctx, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("SECRET-ats\n"))
    given = [f"--credential={k}={v}" for k, v in X.items() if k != "access_token_secret"]
    code, out, err = run(capsys, "channel", "add", "x", "--platform", "x", *given,
                         "--credential", "access_token_secret=-")
    assert code == 0, err
    assert stored(ctx, "x") == X and "SECRET" not in out + err


def test_a_malformed_credential_file_names_the_line_not_the_value(ctx, capsys, tmp_path):
    path = tmp_path / "bad"
    path.write_text("consumer_key=ck\nSECRET-loose-value\n")
    code, _, err = run(capsys, "channel", "add", "x", "--platform", "x",
                       "--credentials-file", str(path))
    assert code == 1 and f"line 2 of {path}" in err and "SECRET" not in err
    path.write_text('{"consumer_key": "SECRET-x",}')
    code, _, err = run(capsys, "channel", "add", "x", "--platform", "x",
                       "--credentials-file", str(path))
    assert code == 1 and "not valid JSON" in err and "SECRET" not in err
