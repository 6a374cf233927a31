"""The migrations build exactly the tables of schema.py, and the newest one goes down and up
again, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from orchestrator.store.db import MIGRATIONS, Database
from orchestrator.store.schema import metadata


def test_migrations_match_the_schema_and_go_down_and_up(database_url):
    db = Database(database_url)
    try:
        with db.engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
            command.upgrade(cfg, "head")
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        db.dispose()
