"""The scheduler's heartbeat: a row it writes on every pass of its loop.

Readiness checks and the alert watchdog read its age; they never depend on the scheduler
process itself to say that it is silent.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

from orchestrator.runtime.context import Context
from orchestrator.store import installation

NAME = "scheduler_heartbeat"


def beat(ctx: Context) -> None:
    """Record that a scheduler loop is alive now (which host and process)."""
    with ctx.db.write() as conn:
        installation.put(conn, NAME, f"{socket.gethostname()}:{os.getpid()}", ctx.now())


def last(ctx: Context) -> tuple[datetime, str] | None:
    """When a scheduler last beat and which one (``host:pid``); None if none ever did."""
    with ctx.db.read() as conn:
        at = installation.updated_at(conn, NAME)
        who = installation.get(conn, NAME)
    return None if at is None or who is None else (at, who)


def age_seconds(ctx: Context) -> float | None:
    """Seconds since the last beat (None: never)."""
    found = last(ctx)
    return None if found is None else (ctx.now() - found[0]).total_seconds()
