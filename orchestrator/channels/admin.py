"""Adding and listing channels; credentials are sealed before they reach the database.

The platform connectors (and their client libraries) are imported only by the functions
that need them: listing channels loads none of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from urllib.parse import urlparse

from connectors.errors import ConfigError, InvalidTransition, PublishError
from orchestrator.access.roles import act, authorize
from orchestrator.channels.views import list_channels
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel
from orchestrator.domain.states import ChannelState, DeliveryStatus
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import channels as rows
from orchestrator.store import deliveries as delivery_rows

__all__ = ["add_channel", "check", "check_credentials", "list_channels", "pause", "resume",
           "update_channel"]
#: Credential keys a connector reads besides its required sets (``credential_keys``):
#: X's choice of media upload API (``v2`` or ``v1.1``), WordPress's site address.
OPTIONAL_CREDENTIALS: dict[str, frozenset[str]] = {
    "x": frozenset({"media_upload"}),
    "wordpress": frozenset({"site_url"}),
}
#: What a credential key looks like; anything else is not echoed (it may be a secret).
_KEY_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def add_channel(ctx: Context, *, name: str, platform: str, credentials: dict[str, str],
                api_base: str | None = None,
                rate_limits: tuple[RateLimit, ...] | None = None) -> Channel:
    """Check and store a channel. Errors name missing keys, never values."""
    name = _checked_name(name)
    if api_base is not None:
        api_base = _checked_api_base(api_base)
    check_credentials(platform, credentials)
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
                   rate_limits: tuple[RateLimit, ...] | None = None) -> Channel:
    """Replace a channel's credentials (after re-authorising), API base or posting limits.

    An operator may give new credentials; changing the API base or the limits is an
    admin's."""
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        values: dict[str, object] = {}
        if credentials:
            check_credentials(channel.platform, credentials)
            values["credentials"] = ctx.box.seal(credentials)
        if api_base is not None:
            values["api_base"] = _checked_api_base(api_base)
        if rate_limits is not None:
            values["rate_limits"] = rate_limits
        if not values:
            raise ConfigError("nothing to change: give --credential, --api-base or --rate-limit")
        authorize(conn, ctx.user,
                  "channel_reauthorise" if values.keys() == {"credentials"} else "channel_update")
        rows.change(conn, channel.id, **values)
        audit.record(conn, actor=ctx.user, action="channel_update", entity="channel",
                     entity_id=channel.id, now=now, changed=sorted(values),
                     credential_keys=sorted(credentials or {}))
        return rows.by_id(conn, channel.id)


def check_credentials(platform: str, credentials: Mapping[str, str]) -> None:
    """Refuse an unknown platform, a key its connector does not read (a typo would be
    stored and never used), or an incomplete set. Errors name keys, never values."""
    from connectors.registry import CONNECTORS

    if platform not in CONNECTORS:
        raise ConfigError(f"unknown platform {platform!r}; known: {', '.join(CONNECTORS)}")
    connector = CONNECTORS[platform]
    known = frozenset().union(*connector.credential_keys,
                              OPTIONAL_CREDENTIALS.get(platform, frozenset()))
    unknown = sorted(set(credentials) - known)
    if unknown:
        raise ConfigError(f"{platform} channel: "
                          + "; ".join(_unknown_key(key, known) for key in unknown)
                          + f"; known keys: {', '.join(sorted(known))}")
    connector.check_credentials(credentials)


def _unknown_key(key: str, known: frozenset[str]) -> str:
    if not _KEY_NAME.fullmatch(key):
        return "a credential key that is not a key name (not shown, it may be a secret)"
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown credential key {key!r}{hint}"


def pause(ctx: Context, name: str) -> Channel:
    """Stop publishing to a channel; its waiting deliveries are held. Pausing a paused
    channel changes nothing."""
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        if channel.state is ChannelState.PAUSED:
            authorize(conn, ctx.user, "channel_pause")
            return channel
        if not rows.move(conn, channel.id, channel.state, ChannelState.PAUSED):
            raise InvalidTransition("channel", channel.state.value, ChannelState.PAUSED.value)
        delivery_rows.hold_channel(conn, channel.id,
                                   f"channel {name} {ChannelState.PAUSED.described}", now)
        act(conn, user=ctx.user, action="channel_pause", entity="channel",
            entity_id=channel.id, now=now, previous=channel.state.value)
        return rows.by_id(conn, channel.id)


def resume(ctx: Context, name: str) -> tuple[Channel, int]:
    """Publish to a channel again (after pausing or re-authorising): held deliveries resume.
    Resuming an active channel releases what is still held."""
    from orchestrator.pipeline.queues import queue_for

    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        if channel.state is not ChannelState.ACTIVE:
            rows.move(conn, channel.id, channel.state, ChannelState.ACTIVE)
        released = 0
        for delivery in delivery_rows.held_of_channel(conn, channel.id):
            if delivery_rows.move(conn, delivery.id, [DeliveryStatus.HELD],
                                  DeliveryStatus.QUEUED, now, error=None, next_attempt_at=None):
                delivery_rows.add_to_outbox(conn, delivery.id, queue_for(channel.platform), now)
                released += 1
        act(conn, user=ctx.user, action="channel_resume", entity="channel",
            entity_id=channel.id, now=now, released=released, previous=channel.state.value)
        return rows.by_id(conn, channel.id), released


def check(ctx: Context, name: str) -> dict:
    """Ask the platform whether the channel's credentials work, and whose account it is."""
    from connectors.registry import build_connector

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
