"""The media store reads a file once: what it stores is what it hashed and counted; it
names the user's file in every message; private unless shared with a web server."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest

from connectors.errors import AccessDenied, ValidationError
from orchestrator.cli.sample_image import FLAG_JPEG, write_flag
from orchestrator.editorial import workflow
from orchestrator.media import files
from orchestrator.media.files import media_dir, store
from orchestrator.runtime import config
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")


def stored_files(data_dir: Path) -> list[Path]:
    return [p for p in media_dir(data_dir).rglob("*") if p.is_file()]


@pytest.mark.parametrize("round_", range(5))
def test_a_growing_file_cannot_pass_the_size_limit(ctx, tmp_path, monkeypatch, round_):
    """Whenever the file grows (before, during or after it is checked), what is stored is
    exactly what was hashed and no larger than the limit, or nothing is stored."""
    monkeypatch.setattr(files, "MAX_BYTES", 2 * 2**20)
    source = tmp_path / "tumbuh.jpg"
    source.write_bytes(FLAG_JPEG + b"\0" * (2**20 - len(FLAG_JPEG)))  # 1 MiB: accepted
    outcome: list[object] = []

    def add() -> None:
        try:
            outcome.append(store(ctx.settings.data_dir, source))
        except ValidationError as refused:
            outcome.append(refused)

    adding = threading.Thread(target=add)
    adding.start()
    with open(source, "ab") as handle:
        for _ in range(64):  # up to 65 MiB, far past the limit, while it is being added
            handle.write(b"\0" * 2**20)
            handle.flush()
    adding.join(60)
    (result,) = outcome
    kept = stored_files(ctx.settings.data_dir)
    if isinstance(result, ValidationError):
        assert str(source) in str(result) and "2 MiB" in str(result)
        assert kept == []
    else:
        (path,) = kept
        content = path.read_bytes()
        assert len(content) == result.size <= files.MAX_BYTES
        assert hashlib.sha256(content).hexdigest() == result.digest == path.stem


def test_a_directory_is_named_as_given(ctx, tmp_path):
    folder = tmp_path / "foto"
    folder.mkdir()
    with pytest.raises(ValidationError, match=f"'{folder}' is a directory"):
        store(ctx.settings.data_dir, folder)


def test_webp_needs_its_riff_header(ctx, tmp_path):
    fake = tmp_path / "palsu.webp"
    fake.write_bytes(b"<html>\0\0WEBPVP8 " + b"\0" * 64)
    with pytest.raises(ValidationError, match="not JPEG, PNG, GIF, WebP or MP4"):
        store(ctx.settings.data_dir, fake)


def test_stored_media_is_private_by_default(ctx, tmp_path):
    stored = store(ctx.settings.data_dir, write_flag(tmp_path / "a.jpg"))
    path = files.path_of(ctx.settings.data_dir, stored)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_store_shared_with_a_web_server_is_world_readable(tmp_path):
    old = os.umask(0o077)  # the strictest umask: the modes still come out readable
    try:
        data, shared = tmp_path / "data", tmp_path / "www" / "media"
        settings = config.load({"SIARAN_DATA_DIR": str(data), "SIARAN_MEDIA_DIR": str(shared)})
        files.prepare(settings.data_dir, settings.media_dir)
        stored = store(settings.data_dir, write_flag(tmp_path / "a.jpg"))
    finally:
        os.umask(old)
    target = shared / stored.digest[:2] / stored.name
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert files.path_of(settings.data_dir, stored).read_bytes() == FLAG_JPEG
    with pytest.raises(Exception, match="holds media"):  # another store may not be hidden
        files.prepare(tmp_path / "other", None)
        store(tmp_path / "other", write_flag(tmp_path / "b.jpg"))
        files.prepare(tmp_path / "other", shared)


def test_a_refused_post_copies_nothing_into_the_store(ctx, capsys, tmp_path):
    assert run_cli(capsys, "channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    assert run_cli(capsys, "user", "add", "boss", "--role", "admin")[0] == 0
    image = write_flag(tmp_path / "foto.jpg")
    code, _, err = run_cli(capsys, "--user", "stranger", "post", "create", "--title", "T",
                           "--text", "t", "--pillar", "informatif", "--channel", "x-main",
                           "--media", str(image), "--alt", "Bendera")
    assert code == 1 and "not known to Siaran" in err
    code, _, err = run_cli(capsys, "--user", "boss", "post", "create", "--title", "T", "--text",
                           "t", "--pillar", "informatif", "--channel", "nope",
                           "--media", str(image), "--alt", "Bendera")
    assert code == 1 and "no channel named 'nope'" in err
    assert stored_files(ctx.settings.data_dir) == []
    with pytest.raises(AccessDenied):
        workflow.create_post(ctx.__class__(ctx.settings.with_user("stranger"), ctx.db, ctx.box),
                             title="T", text="t", pillar="informatif", channels=["x-main"],
                             media=[(str(image), "Bendera")])
    assert stored_files(ctx.settings.data_dir) == []


def test_validation_names_the_users_file_and_the_media_setting(ctx, capsys, tmp_path):
    assert run_cli(capsys, "channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    assert run_cli(capsys, "channel", "add", "ig", "--platform", "instagram", "--credential",
                   "ig_user_id=778", "--credential", "access_token=tok")[0] == 0
    image = write_flag(tmp_path / "foto-kegiatan.jpg")
    post_id = workflow.create_post(ctx, title="T", text="t", pillar="informatif",
                                   channels=["x-main", "ig"], media=[(str(image), "")])
    with pytest.raises(ValidationError) as refused:
        workflow.submit(ctx, post_id)
    message = str(refused.value)
    assert "media 1 (foto-kegiatan.jpg): alt text is missing" in message
    assert "SIARAN_MEDIA_BASE_URL" in message
    stored = stored_files(ctx.settings.data_dir)[0]
    assert stored.stem not in message
