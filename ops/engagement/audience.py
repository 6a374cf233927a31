"""Each channel's audience once a day: X, Facebook Page and Instagram followers, Telegram
channel members; None where the platform does not tell (WordPress)."""

from __future__ import annotations

import structlog

from connectors.errors import PublishError
from orchestrator.pipeline.connections import connector_for
from orchestrator.runtime.context import Context
from orchestrator.store import audience as rows
from orchestrator.store import channels as channel_rows

log = structlog.get_logger("siaran.engagement")


def today(ctx: Context) -> str:
    """The office's day now, YYYY-MM-DD."""
    return ctx.now().astimezone(ctx.settings.timezone).date().isoformat()


def snapshot(ctx: Context, *, again: bool = False) -> dict[str, int | None]:
    """Read the audience of every channel not yet read today (``again``: every channel);
    the channels read, with their audience. A refusal is logged and retried next time."""
    day = today(ctx)
    with ctx.db.read() as conn:
        channels = channel_rows.every_sealed(conn)
        taken = set() if again else rows.days_taken(conn, day)
    read: dict[str, int | None] = {}
    for channel, sealed in channels:
        if channel.id in taken:
            continue
        try:
            followers = connector_for(ctx, channel, sealed).audience()
        except Exception as error:  # noqa: BLE001 - any refusal waits for the next round
            reason = str(error) if isinstance(error, PublishError) else type(error).__name__
            log.warning("audience read refused", channel=channel.name, error=reason)
            continue
        with ctx.db.write() as conn:
            rows.put(conn, channel.id, day, followers, ctx.now())
        read[channel.name] = followers
    return read
