"""What readiness checks and metrics read: the schema's revision against the newest
migration, deliveries counted by state, the outbox backlog, held deliveries per channel.

Each is one small query, cheap enough for every scrape: counts use ``ix_deliveries_status``
and are asked of open states only (closed ones grow for ever; workers count them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, column, func, select, table

from orchestrator.store.db import MIGRATIONS
from orchestrator.store.schema import deliveries, outbox

_alembic_version = table("alembic_version", column("version_num"))


def schema_revision(conn: Connection) -> str | None:
    """The migration the database is at (None: none applied)."""
    return conn.execute(select(_alembic_version.c.version_num)).scalar_one_or_none()


@cache
def head_revision() -> str:
    """The newest migration this code has (read from the migration scripts, once)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def deliveries_by_status(conn: Connection, statuses: Iterable[str]) -> dict[str, int]:
    """How many deliveries are in each of ``statuses`` (zero included)."""
    wanted = list(statuses)
    found = dict(conn.execute(
        select(deliveries.c.status, func.count()).where(deliveries.c.status.in_(wanted))
        .group_by(deliveries.c.status)).all())
    return {status: int(found.get(status, 0)) for status in wanted}


def outbox_backlog(conn: Connection) -> tuple[int, datetime | None]:
    """Outbox rows not yet relayed, and when the oldest was written."""
    count, oldest = conn.execute(select(func.count(), func.min(outbox.c.created_at))).one()
    return int(count), oldest


def held_by_channel(conn: Connection) -> dict[int, int]:
    """Held deliveries per channel id (channels holding none are absent)."""
    return {channel_id: int(n) for channel_id, n in conn.execute(
        select(deliveries.c.channel_id, func.count()).where(deliveries.c.status == "held")
        .group_by(deliveries.c.channel_id)).all()}
