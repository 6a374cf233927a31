"""Adding and listing channels; credentials are sealed before they reach the database."""

from __future__ import annotations

from urllib.parse import urlparse

from connectors.errors import ConfigError, InvalidTransition, PublishError
from connectors.registry import CONNECTORS, build_connector
from orchestrator.access.roles import act
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel
from orchestrator.domain.slots import checked_zone
from orchestrator.domain.states import ChannelState, DeliveryStatus
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.windows import miss, too_late
from orchestrator.runtime.context import Context
from orchestrator.store import channels as rows
from orchestrator.store import deliveries as delivery_rows


def add_channel(ctx: Context, *, name: str, platform: str, credentials: dict[str, str],
                api_base: str | None = None,
                rate_limits: tuple[RateLimit, ...] | None = None) -> Channel:
    """Check and store a channel. Errors name missing keys, never values."""
    name = _checked_name(name)
    if platform not in CONNECTORS:
        raise ConfigError(f"unknown platform {platform!r}; known: {', '.join(CONNECTORS)}")
    if api_base is not None:
        api_base = _checked_api_base(api_base)
    CONNECTORS[platform].check_credentials(credentials)
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.add(conn, name=name, platform=platform, api_base=api_base,
                           sealed_credentials=ctx.box.seal(credentials), now=now,
                           rate_limits=rate_limits)
        act(conn, user=ctx.user, action="channel_add", entity="channel",
            entity_id=channel.id, now=now, name=name, platform=platform,
            credential_keys=sorted(credentials))
    return channel


def update_channel(ctx: Context, name: str, *, credentials: dict[str, str] | None = None,
                   api_base: str | None = None,
                   rate_limits: tuple[RateLimit, ...] | None = None,
                   timezone: str | None = None) -> Channel:
    """Replace a channel's credentials (after re-authorising), API base, posting limits or
    time zone (that of its posting slots)."""
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        values: dict[str, object] = {}
        if credentials:
            CONNECTORS[channel.platform].check_credentials(credentials)
            values["credentials"] = ctx.box.seal(credentials)
        if api_base is not None:
            values["api_base"] = _checked_api_base(api_base)
        if rate_limits is not None:
            values["rate_limits"] = rate_limits
        if timezone is not None:
            values["timezone"] = checked_zone(timezone).key
        if not values:
            raise ConfigError("nothing to change: give --credential, --api-base, --rate-limit "
                              "or --timezone")
        rows.change(conn, channel.id, **values)
        act(conn, user=ctx.user, action="channel_update", entity="channel",
            entity_id=channel.id, now=now, changed=sorted(values),
            credential_keys=sorted(credentials or {}))
        return rows.by_id(conn, channel.id)


def list_channels(ctx: Context) -> list[Channel]:
    with ctx.db.read() as conn:
        return rows.all_channels(conn)


def pause(ctx: Context, name: str) -> Channel:
    """Stop publishing to a channel; its waiting deliveries are held."""
    return _set_state(ctx, name, ChannelState.PAUSED, "channel_pause")


def resume(ctx: Context, name: str) -> tuple[Channel, int]:
    """Publish to a channel again (after pausing or re-authorising): held deliveries resume,
    but those held past their missed window are missed."""
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        if channel.state is not ChannelState.ACTIVE:
            rows.move(conn, channel.id, channel.state, ChannelState.ACTIVE)
        released = 0
        for delivery in delivery_rows.held_of_channel(conn, channel.id):
            if too_late(delivery, now):
                miss(conn, delivery, [DeliveryStatus.HELD], now, ctx.settings.timezone)
            elif delivery_rows.move(conn, delivery.id, [DeliveryStatus.HELD],
                                    DeliveryStatus.QUEUED, now, error=None,
                                    next_attempt_at=None):
                delivery_rows.add_to_outbox(conn, delivery.id, queue_for(channel.platform), now)
                released += 1
        act(conn, user=ctx.user, action="channel_resume", entity="channel",
            entity_id=channel.id, now=now, released=released, previous=channel.state.value)
        return rows.by_id(conn, channel.id), released


def _set_state(ctx: Context, name: str, target: ChannelState, action: str) -> Channel:
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        if not rows.move(conn, channel.id, channel.state, target):
            raise InvalidTransition("channel", channel.state.value, target.value)
        delivery_rows.hold_channel(conn, channel.id, f"channel {name} is {target.value}", now)
        act(conn, user=ctx.user, action=action, entity="channel",
            entity_id=channel.id, now=now, previous=channel.state.value)
        return rows.by_id(conn, channel.id)


def check(ctx: Context, name: str) -> dict:
    """Ask the platform whether the channel's credentials work, and whose account it is."""
    with ctx.db.read() as conn:
        channel = rows.by_name(conn, name)
        sealed = rows.sealed_credentials(conn, channel.id)
    connector = build_connector(channel.platform, ctx.box.open(sealed),
                                api_base=channel.api_base, timeout=ctx.settings.http_timeout)
    try:
        health = connector.check()
    except PublishError as error:
        return {"channel": name, "ok": False, "account": "", "detail": str(error)}
    return {"channel": name, "ok": health.ok, "account": health.account,
            "detail": health.detail}


NAME_MAX = 100


def _checked_name(name: str) -> str:
    """A channel name is one line of printable text, at most ``NAME_MAX`` characters."""
    name = name.strip()
    if not name:
        raise ConfigError("a channel needs a name")
    if not name.isprintable():
        raise ConfigError("a channel name must be printable text on one line "
                          "(no tabs, line breaks or control characters)")
    if len(name) > NAME_MAX:
        raise ConfigError(f"a channel name has at most {NAME_MAX} characters, "
                          f"this one has {len(name)}")
    return name


def _checked_api_base(api_base: str) -> str:
    parsed = urlparse(api_base)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"--api-base must be an http(s) URL, got {api_base!r}")
    return api_base.rstrip("/")
