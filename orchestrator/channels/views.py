"""Channels as the CLI and the HTTP API show them; reading them needs no platform code."""

from __future__ import annotations

from orchestrator.domain.model import Channel
from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial.views import delivery_view, local
from orchestrator.runtime.context import Context
from orchestrator.store import channels as rows
from orchestrator.store import deliveries as delivery_rows


def channel_view(c: Channel) -> dict:
    """A channel without its credentials: name, platform, API base, WordPress site, state,
    posting limits."""
    return {"id": c.id, "name": c.name, "platform": c.platform, "api_base": c.api_base,
            "site_url": c.site_url, "state": c.state.value,
            "rate_limits": [str(r) for r in c.posting_limits]}


def list_channels(ctx: Context) -> list[Channel]:
    """Every channel, by name."""
    with ctx.db.read() as conn:
        return rows.all_channels(conn)


def show_channel(ctx: Context, name: str) -> dict:
    """A channel with its health: the names of its credentials (never their values), its
    deliveries by status, its last publication and its last failure."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        channel = rows.by_name(conn, name)
        sealed = rows.sealed_credentials(conn, channel.id)
        summary = delivery_rows.channel_summary(conn, channel.id)
    failure = summary["last_failure"]
    return {**channel_view(channel),
            "credential_keys": sorted(ctx.box.open(sealed)),
            "health": {"deliveries": {s.value: summary["counts"].get(s.value, 0)
                                      for s in DeliveryStatus},
                       "last_published_at": local(summary["last_published_at"], tz),
                       "last_failure": None if failure is None else delivery_view(failure, tz)}}
