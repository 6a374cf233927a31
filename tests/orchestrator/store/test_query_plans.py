"""Per-delivery and per-post statements find their rows by key on SQLite.

A status condition can tempt SQLite's planner into ``ix_deliveries_status``, which holds
every pending delivery of the calendar: the tick then grows with the calendar
(bench/scheduler_scale.py caught one such statement). Each hot statement's plan must search
by primary key or by post, never scan or walk the status index.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.store import deliveries, moves, posts, work
from orchestrator.store.db import Database
from orchestrator.store.schema import deliveries as deliveries_table
from orchestrator.store.schema import posts as posts_table

NOW = datetime(2026, 12, 1, tzinfo=UTC)

HOT = {
    "claim": (deliveries._CLAIM, {"d": 1, "latest": NOW, "w": "w", "now": NOW}),
    "work": (work._READ, {"d": 1, "embargo_at": NOW}),
    "statuses": (deliveries._STATUSES, {"p": 1}),
    "targets": (deliveries._TARGETS, {"p": 1}),
    "queue": (deliveries._QUEUE, {"d_id": 1, "now": NOW, "not_after": None,
                                  "override": False}),
    "post status": (posts._STATUS_FOR_UPDATE, {"p": 1}),
    "post": (posts._POST, {"p": 1}),
    "move delivery": (moves._statement(deliveries_table, ()),
                      {"m_id": 1, "m_sources": [DeliveryStatus.SENDING.value],
                       "m_target": "published", "m_now": NOW}),
    "move post": (moves._statement(posts_table, ()),
                  {"m_id": 1, "m_sources": [PostStatus.APPROVED.value],
                   "m_target": "publishing", "m_now": NOW}),
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "siaran.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    yield db, sqlite3.connect(path)
    db.dispose()


@pytest.mark.parametrize("name", list(HOT))
def test_hot_statement_searches_by_key(database, name):
    db, raw = database
    statement, params = HOT[name]
    with db.read() as conn:
        expanded = statement.compile(dialect=conn.dialect).construct_expanded_state(params)
    bound = [v.isoformat() if isinstance(v, datetime) else v
             for v in expanded.positional_parameters]
    plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {expanded.statement}", bound)]
    assert plan, name
    for step in plan:
        assert "ix_deliveries_status" not in step, (name, plan)
        table_scan = step.startswith("SCAN ") and "CORRELATED" not in step
        assert not table_scan, (name, plan)
