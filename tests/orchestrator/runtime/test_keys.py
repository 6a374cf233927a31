"""The secret key: only ``siaran init`` creates it; a missing, unreadable or foreign key
stops every command with a message saying what to restore; rotation keeps every channel
working."""

from __future__ import annotations

import json
import os

import pytest
from cryptography.fernet import Fernet, InvalidToken

from orchestrator.runtime import config, keys
from orchestrator.runtime.context import open_context
from orchestrator.store import channels as channel_rows
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")


@pytest.fixture
def installed(siaran_env, capsys):
    """``siaran init`` and one channel, through the command line."""
    code, out, err = run_cli(capsys, "init")
    assert code == 0, err
    assert "fingerprint" in out and "created" in out
    assert run_cli(capsys, "channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    return config.load()


def test_only_init_creates_the_key(siaran_env, capsys):
    settings = config.load()
    code, _, err = run_cli(capsys, "channel", "list")
    assert code == 1 and "siaran init" in err
    assert not keys.key_path(settings).exists()


def test_a_deleted_key_is_refused_everywhere_and_never_replaced(installed, capsys):
    path = keys.key_path(installed)
    fingerprint = keys.fingerprint(path.read_bytes())
    path.unlink()
    for args in (["channel", "list"], ["post", "show", "1"], ["keys", "show"], ["init"]):
        code, out, err = run_cli(capsys, *args)
        assert code == 1 and out == "", args
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"{path} is missing" in err and "Restore it" in err, err
        assert fingerprint in err
    assert not path.exists()


def test_an_unreadable_key_is_a_clear_configuration_error(installed, capsys):
    path = keys.key_path(installed)
    path.unlink()
    path.mkdir()  # a path that exists but cannot be read as a file
    code, _, err = run_cli(capsys, "channel", "list")
    assert code == 1 and err.startswith("siaran: error: cannot read the secret key")


def test_another_key_is_refused_at_start(installed, capsys, monkeypatch):
    monkeypatch.setenv("SIARAN_SECRET_KEY", Fernet.generate_key().decode())
    code, _, err = run_cli(capsys, "channel", "list")
    assert code == 1 and "is not the key this database's credentials are sealed with" in err


def test_a_second_node_with_its_own_data_directory_refuses_to_start(installed, capsys,
                                                                    monkeypatch, tmp_path):
    monkeypatch.setenv("SIARAN_DATA_DIR", str(tmp_path / "node2"))  # same database
    for args in (["init"], ["channel", "list"]):
        code, _, err = run_cli(capsys, *args)
        assert code == 1 and "is missing" in err
    assert not (tmp_path / "node2" / keys.KEY_FILE).exists()


def test_rotation_reseals_every_channel_under_a_new_key(installed, capsys):
    assert run_cli(capsys, "channel", "add", "tg", "--platform", "telegram", "--credential",
                   "bot_token=1:tok", "--credential", "chat_id=@c")[0] == 0
    before = keys.key_path(installed).read_bytes()
    code, out, err = run_cli(capsys, "keys", "rotate", "--json")
    assert code == 0, err
    rotated = json.loads(out)
    assert rotated["channels"] == 2 and rotated["previous"] == keys.fingerprint(before)
    ring = keys.load(installed)
    assert ring is not None and len(ring) == 1 and keys.fingerprint(ring[0]) == \
        rotated["fingerprint"] != rotated["previous"]
    ctx = open_context(installed)
    with ctx.db.read() as conn:
        opened = {c.name: ctx.box.open(s) for c, s in channel_rows.every_sealed(conn)}
    assert opened == {"x-main": {"consumer_key": "ck", "consumer_secret": "cs",
                                 "access_token": "at", "access_token_secret": "ats"},
                      "tg": {"bot_token": "1:tok", "chat_id": "@c"}}
    old = Fernet(before.strip())
    with ctx.db.read() as conn:
        for _, sealed in channel_rows.every_sealed(conn):
            with pytest.raises(InvalidToken):
                old.decrypt(sealed.encode())  # the old key opens nothing any more
    shown = json.loads(run_cli(capsys, "keys", "show", "--json")[1])
    assert shown["fingerprint"] == shown["database"] == rotated["fingerprint"]
    ctx.db.dispose()


def test_rotation_with_the_key_in_the_environment(installed, capsys, monkeypatch):
    current = keys.key_path(installed).read_bytes().strip().decode()
    monkeypatch.setenv("SIARAN_SECRET_KEY", current)
    code, _, err = run_cli(capsys, "keys", "rotate")
    assert code == 1 and "SIARAN_SECRET_KEY=NEW,OLD" in err
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("SIARAN_SECRET_KEY", f"{new},{current}")
    assert run_cli(capsys, "keys", "rotate")[0] == 0
    monkeypatch.setenv("SIARAN_SECRET_KEY", new)  # the old key removed
    assert run_cli(capsys, "channel", "list")[0] == 0
    monkeypatch.setenv("SIARAN_SECRET_KEY", current)
    assert "is not the key" in run_cli(capsys, "channel", "list")[2]


def test_only_an_admin_rotates_the_key(installed, capsys):
    assert run_cli(capsys, "user", "add", "boss", "--role", "admin")[0] == 0
    assert run_cli(capsys, "--user", "boss", "user", "add", "ops", "--role", "operator")[0] == 0
    before = keys.key_path(installed).read_bytes()
    code, _, err = run_cli(capsys, "--user", "ops", "keys", "rotate")
    assert code == 1 and "may not keys rotate" in err
    assert keys.key_path(installed).read_bytes() == before
    assert run_cli(capsys, "--user", "boss", "keys", "rotate")[0] == 0


def test_key_file_is_written_private(installed):
    assert os.stat(keys.key_path(installed)).st_mode & 0o777 == 0o600


def test_a_worker_with_another_key_refuses_to_start(installed, siaran_env):
    from tests.fixtures.services import siaran

    other = {**siaran_env, "SIARAN_SECRET_KEY": Fernet.generate_key().decode()}
    for command in (["worker", "--processes", "1", "--threads", "1"], ["scheduler"]):
        done = siaran(*command, env=other, check=False, timeout=60)
        assert done.returncode == 1, command
        assert "is not the key this database's credentials are sealed with" in done.stderr
