"""The calendar's store: the migration that adds its columns keeps every row (no table is
rebuilt), and its range queries are driven by the period, not by a channel's history."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from orchestrator.store import mix, series, slots
from orchestrator.store.db import MIGRATIONS, Database

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _upgrade(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_the_calendar_migration_keeps_deliveries_and_their_attempts(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    _upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO channels (id, name, platform, state, credentials, "
                          "created_at) VALUES (1, 'x', 'x', 'active', 's', '2026-11-30')"))
        conn.execute(text("INSERT INTO posts (id, title, pillar, body, variants, options, "
                          "status, author, created_at, updated_at) VALUES (1, 't', "
                          "'informatif', 'b', '{}', '{}', 'failed', 'a', '2026-11-30', "
                          "'2026-11-30')"))
        conn.execute(text("INSERT INTO deliveries (id, post_id, channel_id, status, attempts, "
                          "updated_at) VALUES (1, 1, 1, 'failed', 1, '2026-11-30')"))
        conn.execute(text("INSERT INTO attempts (delivery_id, started_at, finished_at, worker, "
                          "outcome, excerpt) VALUES (1, '2026-11-30', '2026-11-30', 'w', "
                          "'error', '')"))
    engine.dispose()
    db = Database(url)
    try:
        db.migrate()
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM attempts")).scalar_one() == 1
            assert conn.execute(text("SELECT status, not_after, overrides_embargo FROM "
                                     "deliveries")).one() == ("failed", None, 0)
            assert conn.execute(text("SELECT series_id, missed_after FROM posts")).one() == (
                None, None)
    finally:
        db.dispose()


def _plan(tmp_path, statement) -> list[str]:
    path = tmp_path / "plans.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    try:
        with db.read() as conn:
            compiled = statement.compile(dialect=conn.dialect)
            expanded = compiled.construct_expanded_state(compiled.params)
        bound = [v.isoformat() if isinstance(v, datetime) else v
                 for v in expanded.positional_parameters]
        raw = sqlite3.connect(path)
        return [r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {expanded.statement}", bound)]
    finally:
        db.dispose()


def test_taken_slots_are_read_by_the_stretch_of_calendar(tmp_path):
    plan = _plan(tmp_path, slots.taken_statement([1, 2, 3], NOW, NOW + timedelta(days=7)))
    assert plan[0].startswith("SEARCH posts USING INDEX ix_posts_scheduled"), plan
    assert "ix_post_channels_channel" not in " ".join(plan)


def test_the_mix_is_read_by_the_period(tmp_path):
    plan = _plan(tmp_path, mix.counts_statement(NOW, NOW + timedelta(days=7), 2))
    assert any("ix_posts_scheduled" in step for step in plan), plan
    assert not any(step.startswith("SCAN posts") for step in plan), plan


def test_due_series_are_found_by_their_refill_time(tmp_path):
    plan = _plan(tmp_path, series._DUE.params(now=NOW, limit=10))
    assert plan == ["SEARCH series USING COVERING INDEX ix_series_refill (refill_at<?)"], plan
