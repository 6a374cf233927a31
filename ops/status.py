"""``siaran status``: readiness, the embargo and every channel's state in one answer."""

from __future__ import annotations

from ops import health
from orchestrator.channels.views import list_channels
from orchestrator.runtime.context import Context
from orchestrator.store import health as rows
from schedules import embargo


def status(ctx: Context) -> dict:
    """Readiness (as ``/readyz``), the embargo (as ``GET /api/v1/status``) and the channels:
    state (active, paused, needs_reauth) and held deliveries. Without a database only the
    checks are answered (``embargo`` and ``channels`` are None)."""
    found = health.readiness(ctx)
    shown = health.view(found)
    if not found.check("database").ok:
        return {**shown, "embargo": None, "channels": None}
    with ctx.db.read() as conn:
        held = rows.held_by_channel(conn)
    channels = [{"name": c.name, "platform": c.platform, "state": c.state.value,
                 "held": held.get(c.id, 0)} for c in list_channels(ctx)]
    return {**shown, "embargo": embargo.status(ctx), "channels": channels}
