"""Adding and listing channels; credentials are sealed before they reach the database."""

from __future__ import annotations

from urllib.parse import urlparse

from connectors.registry import CONNECTORS
from orchestrator.context import Context
from orchestrator.domain.model import Channel
from orchestrator.errors import ConfigError
from orchestrator.store import audit
from orchestrator.store import channels as rows


def add_channel(ctx: Context, *, name: str, platform: str, credentials: dict[str, str],
                api_base: str | None = None) -> Channel:
    """Check and store a channel. Errors name missing keys, never values."""
    name = name.strip()
    if not name:
        raise ConfigError("a channel needs a name")
    if platform not in CONNECTORS:
        raise ConfigError(f"unknown platform {platform!r}; known: {', '.join(CONNECTORS)}")
    if api_base is not None:
        parsed = urlparse(api_base)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"--api-base must be an http(s) URL, got {api_base!r}")
        api_base = api_base.rstrip("/")
    CONNECTORS[platform].check_credentials(credentials)
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.add(conn, name=name, platform=platform, api_base=api_base,
                           sealed_credentials=ctx.box.seal(credentials), now=now)
        audit.record(conn, actor=ctx.user, action="channel_add", entity="channel",
                     entity_id=channel.id, now=now, name=name, platform=platform,
                     credential_keys=sorted(credentials))
    return channel


def list_channels(ctx: Context) -> list[Channel]:
    with ctx.db.read() as conn:
        return rows.all_channels(conn)
