"""Channels as the CLI and the HTTP API show them; reading them needs no platform code."""

from __future__ import annotations

from orchestrator.domain.model import Channel
from orchestrator.runtime.context import Context
from orchestrator.store import channels as rows


def channel_view(c: Channel) -> dict:
    """A channel without its credentials: name, platform, API base, state, posting limits."""
    return {"id": c.id, "name": c.name, "platform": c.platform, "api_base": c.api_base,
            "state": c.state.value, "rate_limits": [str(r) for r in c.posting_limits]}


def list_channels(ctx: Context) -> list[Channel]:
    """Every channel, by name."""
    with ctx.db.read() as conn:
        return rows.all_channels(conn)
