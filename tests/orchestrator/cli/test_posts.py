"""Everyday editorial work: listing and editing posts, texts from files, rejection with a
reason and resubmission, what `post show` tells in text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from orchestrator.cli.sample_image import write_flag
from orchestrator.store.schema import audit_events, deliveries, posts
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli, siaran

X_CREDS = credential_args("x")
TG_CREDS = credential_args("telegram")


@pytest.fixture
def cli(ctx, capsys):
    def run(*args: str, user: str = "ani") -> tuple[int, str, str]:
        return run_cli(capsys, "--user", user, *args)
    assert run("channel", "add", "x-main", "--platform", "x", *X_CREDS)[0] == 0
    assert run("channel", "add", "tg-main", "--platform", "telegram", *TG_CREDS)[0] == 0
    return run


def create(cli, *args: str, user: str = "ani") -> int:
    code, out, err = cli("post", "create", "--title", "Siaran pers", "--pillar", "informatif",
                         *args, "--json", user=user)
    assert code == 0, err
    return json.loads(out)["id"]


def show(cli, post_id: int) -> dict:
    return json.loads(cli("post", "show", str(post_id), "--json")[1])


def in_days(days: float, at: str = "09:00") -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime(f"%Y-%m-%d {at}")


def test_post_list_filters_by_status_pillar_channel_author_and_time(cli):
    first = create(cli, "--text", "Satu", "--channel", "x-main", "--at", in_days(2))
    second = create(cli, "--text", "Dua", "--channel", "tg-main", "--at", in_days(5),
                    user="budi")
    code, out, _ = cli("post", "create", "--title", "Kuis", "--text", "Tiga", "--pillar",
                       "interaktif", "--channel", "x-main", "--channel", "tg-main", "--json")
    third = json.loads(out)["id"]
    cli("post", "submit", str(first))

    def ids(*args: str) -> list[int]:
        code, out, err = cli("post", "list", *args, "--json")
        assert code == 0, err
        return [p["id"] for p in json.loads(out)]

    assert ids() == [third, second, first]
    assert ids("--status", "in_review") == [first]
    assert ids("--pillar", "interaktif") == [third]
    assert ids("--channel", "tg-main") == [third, second]
    assert ids("--author", "budi") == [second]
    assert ids("--from", in_days(1)[:10], "--to", in_days(3)[:10]) == [first]
    assert ids("--from", in_days(4)[:10]) == [second]
    assert ids("--limit", "1") == [third]
    listed = json.loads(cli("post", "list", "--json")[1])[0]
    assert {"id", "title", "status", "pillar", "scheduled_at", "author", "channels",
            "deliveries", "published_at"} <= listed.keys()
    code, out, _ = cli("post", "list")
    assert code == 0 and "Kuis" in out and "x-main, tg-main" not in out
    assert "tg-main, x-main" in out and "WIB" in out
    code, _, err = cli("post", "list", "--channel", "nope")
    assert code == 1 and "no channel named 'nope'" in err


def test_editing_a_draft_changes_only_what_is_given(cli, tmp_path):
    post_id = create(cli, "--text", "Teks awal", "--channel", "x-main",
                     "--variant", "x=Versi X", "--hashtags", "x=#Info",
                     "--variant", "telegram=Versi Telegram")
    code, out, err = cli("post", "edit", str(post_id), "--title", "Judul baru",
                         "--channel", "tg-main", "--channel", "x-main",
                         "--hashtags", "x=#InfoBaru", "--at", in_days(3, "10.30") + " WITA")
    assert code == 0, err
    assert out.strip() == f"post {post_id}: draft"
    shown = show(cli, post_id)
    assert shown["title"] == "Judul baru" and shown["text"] == "Teks awal"
    assert shown["channels"] == ["tg-main", "x-main"]
    # x is named: its whole variant is the one given; telegram is not: it keeps its own
    assert shown["variants"] == {"x": {"hashtags": "#InfoBaru"},
                                 "telegram": {"text": "Versi Telegram"}}
    assert shown["scheduled_at"].endswith("T09:30:00+07:00")  # 10.30 WITA
    edit = shown["audit"][-1]
    assert edit["action"] == "edit" and edit["actor"] == "ani"
    assert edit["detail"]["changed"] == ["at", "channels", "title", "variants"]
    assert cli("post", "edit", str(post_id), "--no-variant", "telegram")[0] == 0
    assert show(cli, post_id)["variants"] == {"x": {"hashtags": "#InfoBaru"}}
    assert cli("post", "edit", str(post_id), "--hashtags", "x=")[0] == 0
    assert show(cli, post_id)["variants"] == {}
    code, _, err = cli("post", "edit", str(post_id), "--variant", "x=A", "--no-variant", "x")
    assert code == 1 and "both given and removed" in err
    assert cli("post", "edit", str(post_id), "--unscheduled")[0] == 0
    assert show(cli, post_id)["scheduled_at"] is None
    edits = len(show(cli, post_id)["audit"])
    code, out, err = cli("post", "edit", str(post_id), "--title", "Judul baru")
    assert code == 0 and out.strip() == f"post {post_id}: unchanged (draft)", err
    assert len(show(cli, post_id)["audit"]) == edits  # nothing written, nothing recorded
    code, _, err = cli("post", "edit", str(post_id))
    assert code == 1 and "nothing to change" in err


def test_an_edit_named_on_an_old_version_is_refused(cli):
    post_id = create(cli, "--text", "Versi satu", "--channel", "x-main")
    first = show(cli, post_id)["etag"]
    code, out, err = cli("post", "edit", str(post_id), "--text", "Versi dua",
                         "--if-match", f'"{first}"', "--json")
    assert code == 0, err
    assert json.loads(out)["etag"] == show(cli, post_id)["etag"] != first
    code, _, err = cli("post", "edit", str(post_id), "--text", "Tertimpa", "--if-match", first)
    assert code == 1 and "has changed since version" in err
    assert show(cli, post_id)["text"] == "Versi dua"


def test_editing_an_approved_post_withdraws_the_approval_and_its_deliveries(cli, ctx):
    post_id = create(cli, "--text", "Sudah disetujui", "--channel", "x-main",
                     "--channel", "tg-main")
    cli("post", "submit", str(post_id))
    assert cli("post", "approve", str(post_id), user="budi")[0] == 0
    assert len(show(cli, post_id)["deliveries"]) == 2
    code, out, err = cli("post", "edit", str(post_id), "--text", "Diubah setelah disetujui",
                         "--json")
    assert code == 0, err
    edited = json.loads(out)
    assert edited["status"] == "draft" and edited["previous"] == "approved"
    assert edited["changed"] == ["text"]
    shown = show(cli, post_id)
    assert shown["status"] == "draft" and shown["approver"] is None
    assert shown["deliveries"] == []
    assert shown["audit"][-1]["detail"]["withdrawn_deliveries"] == 2
    cli("post", "submit", str(post_id))
    assert cli("post", "approve", str(post_id), user="budi")[0] == 0
    shown = show(cli, post_id)
    assert shown["status"] == "approved" and len(shown["deliveries"]) == 2
    with ctx.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(deliveries)).scalar_one() == 2


def test_a_post_being_published_cannot_be_edited(cli):
    post_id = create(cli, "--text", "Terbit", "--channel", "x-main")
    cli("post", "submit", str(post_id))
    cli("post", "approve", str(post_id), user="budi")
    cli("post", "publish-now", str(post_id), user="budi")
    code, _, err = cli("post", "edit", str(post_id), "--text", "Terlambat")
    assert code == 1 and "publishing" in err and "only a draft" in err
    assert show(cli, post_id)["text"] == "Terbit"


def test_a_rejection_needs_a_reason_the_author_sees_and_the_post_can_come_back(cli):
    post_id = create(cli, "--text", "Draf pertama", "--channel", "x-main")
    cli("post", "submit", str(post_id))
    code, _, err = cli("post", "reject", str(post_id), user="budi")
    assert code == 1 and "--reason" in err and err.count("\n") == 1
    code, _, err = cli("post", "reject", str(post_id), "--reason", "  ", user="budi")
    assert code == 1 and "needs a reason" in err
    assert show(cli, post_id)["status"] == "in_review"
    reason = "Sebutkan jam layanan / give the opening hours"
    code, out, err = cli("post", "reject", str(post_id), "--reason", reason, user="budi")
    assert code == 0 and out.strip() == f"post {post_id}: rejected", err
    shown = show(cli, post_id)
    assert shown["rejection"]["reason"] == reason and shown["rejection"]["by"] == "budi"
    text = cli("post", "show", str(post_id))[1]
    assert "rejected by budi at" in text and reason in text
    code, _, err = cli("post", "submit", str(post_id))
    assert code == 1 and "rejected" in err  # edit it first
    assert cli("post", "edit", str(post_id), "--text", "Buka pukul 08.00–12.00 WIB")[0] == 0
    assert show(cli, post_id)["rejection"]["reason"] == reason  # still there to read
    assert cli("post", "submit", str(post_id))[0] == 0
    assert show(cli, post_id)["rejection"] is None
    assert cli("post", "approve", str(post_id), user="budi")[0] == 0
    shown = show(cli, post_id)
    assert shown["status"] == "approved" and shown["text"] == "Buka pukul 08.00–12.00 WIB"
    assert "rejected by" not in cli("post", "show", str(post_id))[1]
    assert [e["action"] for e in shown["audit"]] == [
        "create", "submit", "reject", "edit", "submit", "approve"]


def test_text_from_a_file_or_standard_input(cli, tmp_path):
    path = tmp_path / "siaran.txt"
    path.write_text("Baris satu\nBaris dua — ä\n\n", encoding="utf-8")
    post_id = create(cli, "--text-file", str(path), "--channel", "x-main")
    assert show(cli, post_id)["text"] == "Baris satu\nBaris dua — ä"
    path.write_text("Teks baru\n", encoding="utf-8")
    assert cli("post", "edit", str(post_id), "--text-file", str(path))[0] == 0
    assert show(cli, post_id)["text"] == "Teks baru"
    code, _, err = cli("post", "create", "--title", "T", "--pillar", "informatif", "--channel",
                       "x-main", "--text-file", str(tmp_path / "hilang.txt"))
    assert code == 1 and "cannot read --text-file" in err and "No such file" in err
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    code, _, err = cli("post", "create", "--title", "T", "--pillar", "informatif", "--channel",
                       "x-main", "--text-file", str(tmp_path / "latin1.txt"))
    assert code == 1 and "not UTF-8" in err


def test_a_ten_megabyte_text_through_standard_input(cli, ctx, siaran_env):
    text = ("Laporan tahunan kementerian. " * 40 + "\n") * 8700
    assert len(text.encode()) > 10_000_000
    done = siaran("post", "create", "--title", "Laporan", "--pillar", "informatif",
                  "--channel", "tg-main", "--text-file", "-", "--json", env=siaran_env,
                  input=text, timeout=120)
    post_id = json.loads(done.stdout)["id"]
    with ctx.db.read() as conn:
        body = conn.execute(select(posts.c.body).where(posts.c.id == post_id)).scalar_one()
    assert body == text.rstrip("\n")


@pytest.mark.parametrize(("media", "alts"), [(1, 0), (2, 1), (1, 2), (0, 1)])
def test_media_and_alt_counts_that_differ_are_refused_at_create(cli, ctx, tmp_path, media,
                                                                 alts):
    image = write_flag(tmp_path / "bendera.jpg")
    args = [a for _ in range(media) for a in ("--media", str(image))]
    args += [a for i in range(alts) for a in ("--alt", f"Bendera {i}")]
    with ctx.db.read() as conn:
        before = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    code, out, err = cli("post", "create", "--title", "Foto", "--text", "Foto.", "--pillar",
                         "informatif", "--channel", "tg-main", *args)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "one --alt per --media" in err
    with ctx.db.read() as conn:
        after = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    assert after == before


def test_media_are_replaced_or_removed_by_an_edit(cli, tmp_path):
    image = write_flag(tmp_path / "bendera.jpg")
    post_id = create(cli, "--text", "Foto.", "--channel", "tg-main", "--media", str(image),
                     "--alt", "Bendera")
    assert cli("post", "edit", str(post_id), "--media", str(image), "--alt",
               "Bendera Merah Putih")[0] == 0
    assert [m["alt_text"] for m in show(cli, post_id)["media"]] == ["Bendera Merah Putih"]
    assert cli("post", "edit", str(post_id), "--no-media")[0] == 0
    assert show(cli, post_id)["media"] == []


def test_post_show_in_text_holds_what_json_holds(cli, tmp_path):
    image = write_flag(tmp_path / "bendera.jpg")
    post_id = create(cli, "--text", "Upacara bendera\npukul 08.00", "--channel", "tg-main",
                     "--channel", "x-main", "--variant", "x=Upacara (X)", "--media",
                     str(image), "--alt", "Bendera Merah Putih")
    code, out, _ = cli("post", "show", str(post_id))
    assert code == 0
    assert "not scheduled" in out and "scheduled not scheduled" not in out
    assert "  Upacara bendera\n  pukul 08.00" in out
    assert "variant x: text: Upacara (X)" in out
    assert "image/jpeg" in out and "Bendera Merah Putih" in out
    assert "audit:" in out and "ani  create" in out
    cli("post", "submit", str(post_id))
    cli("post", "approve", str(post_id), user="budi")
    out = cli("post", "show", str(post_id))[1]
    assert "tg-main" in out and "pending" in out and "budi  approve" in out


def test_the_command_line_says_the_services_messages_in_english(cli):
    post_id = create(cli, "--text", "x" * 300, "--channel", "x-main")
    code, _, err = cli("post", "submit", str(post_id))
    assert code == 1
    assert err == (f"siaran: error: post {post_id} breaks 1 platform rule: x-main: "
                   "text weighs 300 characters, limit 280\n")
    code, _, err = cli("post", "edit", str(post_id), "--title", " ")
    assert (code, err) == (1, "siaran: error: title is empty\n")
