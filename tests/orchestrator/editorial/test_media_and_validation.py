"""Media store, rendering of variants, and validation before submit and approval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.errors import ValidationError
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.model import Post, PostMedia
from orchestrator.domain.states import PostStatus
from orchestrator.editorial import workflow
from orchestrator.media.files import media_dir, store
from orchestrator.pipeline.rendering import render, variant_text
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")


def jpeg(path: Path) -> Path:
    """A real JPEG file."""
    return write_flag(path)


@pytest.fixture
def cli(ctx, capsys):
    assert run_cli(capsys, "channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    assert run_cli(capsys, "channel", "add", "fb-main", "--platform", "facebook",
                   "--credential", "page_id=555", "--credential", "page_access_token=pt")[0] == 0
    return lambda *args: run_cli(capsys, *args)


def test_media_is_stored_once_by_content(ctx, tmp_path):
    first = store(ctx.settings.data_dir, jpeg(tmp_path / "a.jpg"))
    second = store(ctx.settings.data_dir, jpeg(tmp_path / "b.jpg"))
    assert first == second and first.mime == "image/jpeg" and first.ext == ".jpg"
    assert len(list(media_dir(ctx.settings.data_dir).rglob("*.jpg"))) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "bytes"), (b"just some text, not an image", "not JPEG, PNG"),
])
def test_media_store_refuses_what_it_cannot_publish(ctx, tmp_path, content, message):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        store(ctx.settings.data_dir, bad)
    with pytest.raises(ValidationError, match="does not exist"):
        store(ctx.settings.data_dir, tmp_path / "missing.png")


def _post(**kw) -> Post:
    base = dict(id=1, title="Judul", pillar="informatif", body="Isi utama.",
                status=PostStatus.DRAFT, scheduled_at=None, author="a")
    return Post(**{**base, **kw})


def test_rendering_picks_the_variant_or_the_body():
    post = _post(variants={"x": {"text": "Versi X", "hashtags": "#Info LayananPublik"},
                           "wordpress": {"title": "Judul situs"}},
                 media=(PostMedia("ab" * 32, "image/png", 10, ".png", "Peta"),),
                 options={"excerpt": "Ringkas", "categories": ["Berita"], "thread": True})
    assert variant_text(post, "x") == "Versi X\n\n#Info #LayananPublik"
    assert variant_text(post, "facebook") == "Isi utama."
    wp = render(post, "wordpress", 9, data_dir=Path("/d"), media_base_url="https://m.go.id/")
    assert (wp.title, wp.text, wp.excerpt, wp.categories) == (
        "Judul situs", "Isi utama.", "Ringkas", ("Berita",))
    (item,) = wp.media
    assert item.path == f"/d/media/ab/{'ab' * 32}.png"
    assert item.url == f"https://m.go.id/{'ab' * 32}.png" and item.alt_text == "Peta"
    assert render(post, "x", data_dir=Path("/d")).thread is True


def test_hashtags_already_in_the_text_are_not_repeated():
    post = _post(body="Ayo vaksin #SehatBersama", variants={"x": {"hashtags": "#SehatBersama"}})
    assert variant_text(post, "x") == "Ayo vaksin #SehatBersama"


def test_create_with_media_variants_and_options_through_the_cli(cli, tmp_path):
    image = jpeg(tmp_path / "peta.jpg")
    code, out, err = cli("post", "create", "--title", "Peta", "--text", "Peta layanan.",
                         "--pillar", "informatif", "--channel", "x-main", "--channel",
                         "fb-main", "--media", str(image), "--alt", "Peta kantor layanan",
                         "--variant", "x=Peta layanan (X)", "--hashtags", "x=#Peta",
                         "--variant-title", "wordpress=Peta situs", "--thread",
                         "--category", "Berita", "--tag", "peta", "--json")
    assert code == 0, err
    shown = json.loads(cli("post", "show", str(json.loads(out)["id"]), "--json")[1])
    assert shown["media"][0]["alt_text"] == "Peta kantor layanan"
    assert shown["media"][0]["mime"] == "image/jpeg"
    assert shown["variants"] == {"x": {"text": "Peta layanan (X)", "hashtags": "#Peta"},
                                 "wordpress": {"title": "Peta situs"}}
    assert shown["options"] == {"thread": True, "categories": ["Berita"], "tags": ["peta"]}


def test_submit_refuses_an_image_without_alt_text_on_every_channel(cli, ctx, tmp_path):
    image = jpeg(tmp_path / "foto.jpg")
    _, out, _ = cli("post", "create", "--title", "Foto", "--text", "Foto kegiatan.",
                    "--pillar", "informatif", "--channel", "x-main", "--channel", "fb-main",
                    "--media", str(image), "--alt", "", "--json")
    post_id = json.loads(out)["id"]
    code, _, err = cli("post", "submit", str(post_id))
    assert code == 1 and err.count("\n") == 1
    assert "x-main:" in err and "fb-main:" in err and "alt" in err.lower()
    assert json.loads(cli("post", "show", str(post_id), "--json")[1])["status"] == "draft"


def test_several_broken_rules_are_reported_together(ctx, cli):
    post_id = workflow.create_post(ctx, title="Panjang", text="kata " * 80,
                                    pillar="informatif", channels=["x-main"])
    with pytest.raises(ValidationError) as refused:
        workflow.submit(ctx, post_id)
    assert "x-main:" in str(refused.value) and "280" in str(refused.value)


def test_unknown_variant_fields_and_options_are_refused(ctx, cli):
    with pytest.raises(ValidationError, match="variant field 'judul'"):
        workflow.create_post(ctx, title="T", text="t", pillar="informatif", channels=["x-main"],
                              variants={"x": {"judul": "?"}})
    with pytest.raises(ValidationError, match="option 'pin'"):
        workflow.create_post(ctx, title="T", text="t", pillar="informatif", channels=["x-main"],
                              options={"pin": True})


def test_media_server_serves_stored_files_by_name_only(ctx, tmp_path):
    import requests

    from orchestrator.media.server import MediaServer

    stored = store(ctx.settings.data_dir, jpeg(tmp_path / "a.jpg"))
    server = MediaServer(ctx.settings.data_dir).start()
    try:
        answer = requests.get(f"{server.url}/{stored.name}", timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/jpeg"
        assert answer.content == (tmp_path / "a.jpg").read_bytes()
        for path in ("/../siaran.db", "/secret.key", f"/{stored.digest}.exe", "/"):
            assert requests.get(server.url + path, timeout=5).status_code == 404
    finally:
        server.stop()
