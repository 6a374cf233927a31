"""Content pillars: the defaults of a new database, the migration of free-text pillars from
the previous release, and adding, changing and listing pillars (service and command line)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text

from connectors.errors import AccessDenied, ValidationError
from orchestrator.access import roles
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.main import main
from orchestrator.domain.model import content_hash
from orchestrator.editorial import workflow
from orchestrator.store import audit
from orchestrator.store import pillars as pillar_rows
from orchestrator.store import posts as post_rows
from orchestrator.store.db import MIGRATIONS, Database
from orchestrator.store.schema import pillars as pillars_table
from schedules import pillars
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import create_pg_database, drop_pg_database, run_cli

NOW = datetime(2026, 11, 30, 3, 0)  # naive UTC, as the previous release stored it
PREVIOUS_HEAD = "0007"


def _upgrade(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def previous_release(request, tmp_path):
    """An empty database at the previous release's migration head."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        admin = request.getfixturevalue("postgres_admin")
        url = create_pg_database(admin)
    engine = create_engine(url)
    _upgrade(engine, PREVIOUS_HEAD)
    yield url, engine
    engine.dispose()
    if request.param == "postgresql":
        drop_pg_database(admin, url)


OLD_POSTS = [  # (title, free-text pillar, status)
    ("Jadwal layanan", "informatif", "approved"),
    ("Kuis Sumpah Pemuda", "Kuis Mingguan", "published"),
    ("Sejarah Istana", "edukasi-hiburan", "draft"),
    ("Layanan akhir pekan", "informatif", "published"),
    ("Tanya jawab", "Interaktif", "in_review"),
]


def _write_old_posts(engine) -> dict[str, str]:
    """Posts as the previous release wrote them, one approved with its content hash."""
    hashes = {}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO channels (id, name, platform, state, credentials, created_at) "
            "VALUES (1, 'x-main', 'x', 'active', 'sealed', :now)"), {"now": NOW})
        for i, (title, pillar, status) in enumerate(OLD_POSTS, start=1):
            digest = content_hash(title, pillar, f"Isi {title}", ("x-main",), {})
            hashes[title] = digest
            conn.execute(text(
                "INSERT INTO posts (id, title, pillar, body, variants, options, status, "
                "author, approved_hash, created_at, updated_at) VALUES (:id, :title, "
                ":pillar, :body, '{}', '{}', :status, 'editor', :hash, :now, :now)"),
                {"id": i, "title": title, "pillar": pillar, "body": f"Isi {title}",
                 "status": status, "hash": digest if status == "approved" else None,
                 "now": NOW})
            conn.execute(text("INSERT INTO post_channels (post_id, channel_id) VALUES (:p, 1)"),
                         {"p": i})
    return hashes


def test_free_text_pillars_of_the_previous_release_become_pillar_rows(previous_release):
    url, engine = previous_release
    hashes = _write_old_posts(engine)
    db = Database(url)
    try:
        db.migrate()
        with db.read() as conn:
            found = {p.name: p.target for p in pillar_rows.every(conn)}
            kept = {p.title: p for p in (post_rows.get(conn, i)
                                         for i in range(1, len(OLD_POSTS) + 1))}
    finally:
        db.dispose()
    # One row per pillar the posts named, exactly as written; known names keep their target.
    assert found == {"informatif": 60.0, "Kuis Mingguan": 0.0, "edukasi-hiburan": 20.0,
                     "Interaktif": 0.0}
    assert [(p.title, p.pillar, p.status.value) for p in kept.values()] == OLD_POSTS
    # The approved post still carries the content its approval covered.
    approved = kept["Jadwal layanan"]
    assert approved.content_hash == approved.approved_hash == hashes["Jadwal layanan"]


def test_a_new_database_gets_the_three_pillars_of_the_strategy(previous_release):
    url, _ = previous_release
    db = Database(url)
    try:
        db.migrate()
        with db.read() as conn:
            found = pillar_rows.every(conn)
    finally:
        db.dispose()
    assert [(p.name, p.target) for p in found] == [
        ("edukasi-hiburan", 20.0), ("informatif", 60.0), ("interaktif", 20.0)]
    assert all(p.color and p.label_id and p.label_en for p in found)


def test_siaran_init_creates_the_default_pillars(siaran_env, capsys):
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["pillar", "list", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {p["name"]: p["target"] for p in shown} == {
        "informatif": 60.0, "interaktif": 20.0, "edukasi-hiburan": 20.0}


@pytest.fixture
def office(ctx):
    channel_admin.add_channel(ctx, name="x-main", platform="x", rate_limits=(),
                              api_base="http://127.0.0.1:9",
                              credentials=credentials("x", "1001"))
    return ctx


def test_a_post_needs_a_known_pillar_and_the_error_lists_them(office):
    with pytest.raises(ValidationError) as refused:
        workflow.create_post(office, title="T", text="Halo", pillar="berita",
                             channels=["x-main"])
    assert str(refused.value) == ("unknown pillar 'berita'; known: edukasi-hiburan, "
                                  "informatif, interaktif (add one with `siaran pillar add`)")
    with office.db.read() as conn:
        assert conn.execute(select(post_rows.posts.c.id)).first() is None
    post_id = workflow.create_post(office, title="T", text="Halo", pillar="Informatif",
                                   channels=["x-main"])
    with office.db.read() as conn:
        assert post_rows.get(conn, post_id).pillar == "informatif"


def test_targets_together_stay_within_a_hundred_percent(office):
    pillars.update_pillar(office, "informatif", target=50)
    added = pillars.add_pillar(office, "Layanan", target=10, color="#aa00cc",
                               label_id="Layanan publik", label_en="Public services")
    assert (added.name, added.target, added.color) == ("Layanan", 10.0, "#AA00CC")
    with pytest.raises(ValidationError, match=r"add up to 101 %"):
        pillars.add_pillar(office, "Siaran pers", target=1)
    with pytest.raises(ValidationError, match=r"add up to 110 %"):
        pillars.update_pillar(office, "layanan", target=20)
    with pytest.raises(ValidationError, match="already exists"):
        pillars.add_pillar(office, "INFORMATIF", target=0)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        pillars.update_pillar(office, "informatif", target=-5)
    with pytest.raises(ValidationError, match="#1F77B4"):
        pillars.update_pillar(office, "informatif", color="blue")
    with pytest.raises(ValidationError, match="nothing to change"):
        pillars.update_pillar(office, "informatif")
    assert {p.name: p.target for p in pillars.list_pillars(office)} == {
        "Layanan": 10.0, "edukasi-hiburan": 20.0, "informatif": 50.0, "interaktif": 20.0}
    with office.db.read() as conn:
        events = audit.events(conn, "pillar", added.id)
    assert [e["action"] for e in events] == ["pillar_add"]
    assert events[0]["detail"]["target"] == 10.0


def test_only_approvers_and_admins_configure_pillars(office):
    with office.db.write() as conn:
        roles.add_user(conn, acting="root", name="root", roles=["admin"], now=office.now())
        roles.add_user(conn, acting="root", name="editor", roles=["author"], now=office.now())
    with pytest.raises(AccessDenied, match="needs role admin or approver"):
        pillars.add_pillar(office, "Layanan", target=0)
    with office.db.read() as conn:
        assert conn.execute(select(pillars_table.c.name).where(
            pillars_table.c.name == "Layanan")).first() is None


def test_pillar_commands(office, capsys):
    def run(*args):
        return run_cli(capsys, *args)

    code, out, _ = run("pillar", "add", "layanan", "--target", "0", "--color", "#112233",
                       "--label-en", "Public services", "--json")
    assert code == 0 and json.loads(out) == {
        "name": "layanan", "target": 0.0, "color": "#112233", "label_id": None,
        "label_en": "Public services"}
    assert run("pillar", "update", "layanan", "--label-id", "Layanan") == (
        0, "pillar layanan: target 0 % (updated)\n", "")
    code, out, _ = run("pillar", "list")
    assert out.splitlines()[0].split() == ["NAME", "TARGET", "COLOR", "LABEL_ID", "LABEL_EN"]
    assert "layanan" in out and "targets add up" not in out
    assert run("pillar", "update", "layanan", "--target", "5") == (
        1, "", "siaran: error: pillar targets would add up to 105 % (edukasi-hiburan 20, "
               "informatif 60, interaktif 20, layanan 5); together they may not exceed "
               "100 %\n")
    code, _, err = run("post", "create", "--title", "T", "--text", "t", "--pillar", "berita",
                       "--channel", "x-main")
    assert code == 1 and err.startswith("siaran: error: unknown pillar 'berita'; known: ")
    with office.db.read() as conn:
        assert conn.execute(select(pillars_table.c.label_id).where(
            pillars_table.c.name == "layanan")).scalar_one() == "Layanan"

