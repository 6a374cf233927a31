"""The live preview's counts (the same validation as submitting) and the review queue with
its word diff since the last review, on a real SQLite database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.errors import ValidationError
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.actor import Actor
from orchestrator.editorial import drafts, editing, media, review, validation, views, workflow
from orchestrator.store import posts as post_rows
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli


@pytest.fixture
def channels(ctx, capsys):
    for name, platform, creds in (
            ("x-main", "x", credential_args("x")),
            ("ig-main", "instagram", ["--credential", "ig_user_id=17841", "--credential",
                                      "access_token=tok"]),
            ("tg-main", "telegram", ["--credential", "bot_token=1:abc", "--credential",
                                     "chat_id=@humas"])):
        assert run_cli(capsys, "channel", "add", name, "--platform", platform, *creds)[0] == 0
    return ctx


def counts(checks, channel):
    found = next(c for c in checks if c.channel == channel)
    return {k.what: (k.used, k.limit) for k in found.counters}, found


def test_the_preview_counts_as_each_platform_does(channels, tmp_path):
    ctx = channels
    text = "Info: https://example.go.id/berita " + "#tag " * 31 + "😀"
    checks = drafts.check_draft(ctx, title="Judul", text=text, pillar="informatif",
                                channels=["x-main", "ig-main", "tg-main"])
    x, _ = counts(checks, "x-main")
    assert x["text"] == (6 + 23 + 1 + 5 * 31 + 2, 280)  # a link weighs 23, an emoji 2
    ig, ig_check = counts(checks, "ig-main")
    assert ig["hashtags"] == (31, 30)
    assert "31 hashtags, limit 30" in [f.message for f in ig_check.findings]
    tg, _ = counts(checks, "tg-main")
    assert tg["text"][1] == 4096

    stored = media.upload(ctx, write_flag(tmp_path / "f.jpg").open("rb"), "f.jpg")
    with_image = drafts.check_draft(ctx, title="Judul", text="x" * 1100, pillar="informatif",
                                    channels=["tg-main"], media=[(stored["id"], "Bendera")])
    tg, tg_check = counts(with_image, "tg-main")
    assert tg["caption"] == (1100, 1024)
    assert [f.message for f in tg_check.findings] == ["caption is 1100 characters, limit 1024"]


def test_the_preview_finds_what_submitting_refuses(channels):
    ctx = channels
    text = "Panjang " * 40
    post_id = workflow.create_post(ctx, title="Judul", text=text, pillar="informatif",
                                   channels=["x-main"])
    with ctx.db.read() as conn:
        saved = post_rows.get(conn, post_id)
    checks = drafts.check_draft(ctx, title="Judul", text=text, pillar="informatif",
                                channels=["x-main"])
    assert [f.message for c in checks for f in c.findings] == [
        f.message for f in validation.findings(ctx, saved)]
    with pytest.raises(ValidationError, match="text weighs 320 characters, limit 280"):
        workflow.submit(ctx, post_id)


def test_the_queue_shows_what_changed_since_the_rejection(channels):
    ctx = channels
    at = ctx.now() + timedelta(days=2)
    first = workflow.create_post(ctx, title="Vaksin", text="Vaksin hari Sabtu.",
                                 pillar="informatif", channels=["x-main"], at=at)
    second = workflow.create_post(ctx, title="Lomba", text="Lomba foto.",
                                  pillar="informatif", channels=["x-main"], at=at)
    workflow.submit(ctx, first)
    workflow.submit(ctx, second)
    assert [w.post.id for w in review.queue(ctx)] == [first, second]
    assert review.queue(ctx)[0].changes == [] and review.queue(ctx)[0].last_review is None

    reviewer = ctx.acting_as(Actor("budi"))
    workflow.reject(reviewer, first, "Sebutkan jamnya.")
    version = views.show_post(ctx, first)["etag"]
    editing.edit_post(ctx, first, version=version, text="Vaksin hari Sabtu pukul 08.00.",
                      variants={"x": {"text": "Vaksin Sabtu!"}})
    workflow.submit(ctx, first)
    waiting = {w.post.id: w for w in review.queue(ctx)}
    again = waiting[first]
    assert again.last_review.reviewer == "budi" and again.last_review.outcome == "reject"
    assert again.rejection_reason == "Sebutkan jamnya."
    fields = {c.field: c.pieces for c in again.changes}
    assert set(fields) == {"text", "variants/x"}
    assert "".join(p.text for p in fields["text"] if p.kind == "added") == "Sabtu pukul 08.00."
    assert "".join(p.text for p in fields["text"] if p.kind == "removed") == "Sabtu."
    assert [p.kind for p in fields["variants/x"]] == ["added"]
    assert [w.post.id for w in review.queue(ctx)] == [second, first]  # waited longest first
