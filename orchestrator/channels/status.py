"""A channel's status as the console's channels page shows it: its state, its held
deliveries, its last publication and last failure, how much of each posting window it has
used, and the names of the credentials its platform reads (never their values).

Posting windows are counted by the workers' guards in Redis (:mod:`orchestrator.pipeline.
guards`); without a reachable Redis the usage is unknown (``None``), the rest is still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import redis

from connectors.errors import ConfigError
from orchestrator.channels.admin import OPTIONAL_CREDENTIALS
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel, Delivery
from orchestrator.domain.states import DeliveryStatus
from orchestrator.pipeline.guards import Guards
from orchestrator.runtime.context import Context
from orchestrator.runtime.redis_url import resolve_redis_url
from orchestrator.store import channels as rows
from orchestrator.store import deliveries as delivery_rows

#: Seconds to wait for Redis before showing the usage as unknown.
REDIS_TIMEOUT = 1.0


@dataclass(frozen=True)
class WindowUsage:
    """One posting limit and the slots used in its window (None: unknown)."""

    limit: RateLimit
    used: int | None


@dataclass(frozen=True)
class ChannelStatus:
    channel: Channel
    held: int
    last_success_at: datetime | None
    #: The latest failed, unknown or retry-waiting delivery with an error (time, reason).
    last_failure: Delivery | None
    windows: tuple[WindowUsage, ...]


@dataclass(frozen=True)
class CredentialFields:
    """The credential keys a platform's connector reads: one complete ``sets`` entry is
    needed (X: OAuth 1.0a keys or a bearer token); ``optional`` ones may be added."""

    sets: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key, each once: those of the sets in order, then the optional ones."""
        seen: dict[str, None] = {}
        for keys in (*self.sets, self.optional):
            seen.update(dict.fromkeys(keys))
        return tuple(seen)


def channel_statuses(ctx: Context) -> list[ChannelStatus]:
    """Every channel's status, by name."""
    with ctx.db.read() as conn:
        found = [(c, delivery_rows.channel_summary(conn, c.id)) for c in rows.all_channels(conn)]
    usage = posting_usage(ctx, [c for c, _ in found])
    return [_status(c, summary, usage.get(c.id)) for c, summary in found]


def channel_status(ctx: Context, name: str) -> ChannelStatus:
    """One channel's status (NotFound for an unknown name)."""
    with ctx.db.read() as conn:
        channel = rows.by_name(conn, name)
        summary = delivery_rows.channel_summary(conn, channel.id)
    return _status(channel, summary, posting_usage(ctx, [channel]).get(channel.id))


def _status(channel: Channel, summary: dict, used: list[int] | None) -> ChannelStatus:
    limits = channel.posting_limits
    counts = used if used is not None else [None] * len(limits)
    return ChannelStatus(
        channel=channel, held=summary["counts"].get(DeliveryStatus.HELD.value, 0),
        last_success_at=summary["last_published_at"], last_failure=summary["last_failure"],
        windows=tuple(WindowUsage(limit, n) for limit, n in zip(limits, counts, strict=True)))


def posting_usage(ctx: Context, channels: list[Channel]) -> dict[int, list[int]]:
    """Channel id → slots used per posting limit, as the workers' guards count them; empty
    when no Redis is reachable."""
    try:
        url = resolve_redis_url(ctx.settings)
    except ConfigError:
        return {}
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                  socket_connect_timeout=REDIS_TIMEOUT)
    try:
        guards = Guards(client, ctx.settings.redis_namespace)
        return {c.id: guards.window_usage(c.id, c.posting_limits) for c in channels}
    except redis.RedisError:
        return {}
    finally:
        client.close()


def credential_fields(platform: str) -> CredentialFields:
    """The credential keys of ``platform``'s connector (ConfigError if unknown)."""
    from connectors import registry

    connector = registry.connector_class(platform)
    return CredentialFields(
        sets=tuple(tuple(sorted(keys)) for keys in connector.credential_keys),
        optional=tuple(sorted(OPTIONAL_CREDENTIALS.get(platform, frozenset()))))
