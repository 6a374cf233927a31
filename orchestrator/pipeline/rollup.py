"""Feeding delivery results back into the post's status."""

from __future__ import annotations

from datetime import datetime

from orchestrator.domain.states import PostStatus, rollup
from orchestrator.store import deliveries as rows
from orchestrator.store import posts as post_rows
from orchestrator.store.db import Connection

#: Post states that follow their deliveries.
FOLLOWING = frozenset({PostStatus.PUBLISHING, PostStatus.PARTIALLY_PUBLISHED,
                       PostStatus.FAILED})


def roll_up(conn: Connection, post_id: int, now: datetime) -> PostStatus:
    """Recompute the post's status from its deliveries (row-locked on PostgreSQL)."""
    current = post_rows.status_for_update(conn, post_id)
    if current not in FOLLOWING:
        return current
    target = rollup(rows.statuses(conn, post_id))
    if target is not current:
        post_rows.move(conn, post_id, current, target, now)
    return target
