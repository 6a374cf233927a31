"""Adding and listing channels; credentials are sealed before they reach the database.

The platform connectors (and their client libraries) are imported only by the functions
that need them: listing channels loads none of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from connectors import registry
from connectors.errors import ConfigError, InvalidTransition, PublishError
from connectors.wording import Listed, Said
from orchestrator.access.roles import act, authorize
from orchestrator.channels import hosts
from orchestrator.channels.views import list_channels
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel
from orchestrator.domain.slots import checked_zone
from orchestrator.domain.states import ChannelState, DeliveryStatus
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.windows import miss, too_late
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
                rate_limits: tuple[RateLimit, ...] | None = None,
                allow_insecure_host: bool = False) -> Channel:
    """Check and store a channel. Errors name missing keys, never values.

    Credentials go to https hosts only, or to loopback ones (:mod:`.hosts`); the audit
    event names the hosts they will be sent to."""
    name = _checked_name(name)
    if api_base is not None:
        api_base = hosts.checked_url(api_base, "--api-base", allow_insecure=allow_insecure_host)
    credentials = hosts.checked_credentials(credentials, allow_insecure=allow_insecure_host)
    check_credentials(platform, credentials)
    site_url = credentials.get("site_url")
    now = ctx.now()
    with ctx.db.write() as conn:
        channel = rows.add(conn, name=name, platform=platform, api_base=api_base,
                           sealed_credentials=ctx.box.seal(credentials), now=now,
                           rate_limits=rate_limits, site_url=site_url)
        act(conn, user=ctx.user, action="channel_add", entity="channel",
            entity_id=channel.id, now=now, name=name, platform=platform,
            credential_keys=sorted(credentials), api_base=api_base, site_url=site_url,
            **_insecure(api_base, site_url))
    return channel


def update_channel(ctx: Context, name: str, *, credentials: dict[str, str] | None = None,
                   api_base: str | None = None,
                   rate_limits: tuple[RateLimit, ...] | None = None,
                   allow_insecure_host: bool = False, timezone: str | None = None
                   ) -> Channel:
    """Replace a channel's credentials (after re-authorising), API base, posting limits or
    time zone (that of its posting slots).

    An operator may give new credentials for the same hosts; changing the API base, the
    WordPress site, the limits or the zone is an admin's. The audit event records every host
    change as ``{"from": …, "to": …}``."""
    now = ctx.now()
    if credentials:
        credentials = hosts.checked_credentials(credentials,
                                                allow_insecure=allow_insecure_host)
    if api_base is not None:
        api_base = hosts.checked_url(api_base, "--api-base", allow_insecure=allow_insecure_host)
    with ctx.db.write() as conn:
        channel = rows.by_name(conn, name)
        values: dict[str, object] = {}
        detail: dict[str, object] = {}
        if credentials:
            check_credentials(channel.platform, credentials)
            values["credentials"] = ctx.box.seal(credentials)
            if credentials.get("site_url"):
                values["site_url"] = credentials["site_url"]
                detail["site_url"] = {"from": channel.site_url, "to": values["site_url"]}
        if api_base is not None:
            values["api_base"] = api_base
            detail["api_base"] = {"from": channel.api_base, "to": api_base}
        if rate_limits is not None:
            values["rate_limits"] = rate_limits
        if timezone is not None:
            values["timezone"] = checked_zone(timezone).key
        if not values:
            raise ConfigError(Said("nothing to change: give --credential, --api-base, "
                                   "--rate-limit or --timezone"))
        same_hosts = values.get("site_url", channel.site_url) == channel.site_url
        reauthorising = set(values) - {"site_url"} == {"credentials"} and same_hosts
        authorize(conn, ctx.user, "channel_reauthorise" if reauthorising else "channel_update")
        rows.change(conn, channel.id, **values)
        audit.record(conn, actor=ctx.user, action="channel_update", entity="channel",
                     entity_id=channel.id, now=now, changed=sorted(values),
                     credential_keys=sorted(credentials or {}), **detail,
                     **_insecure(api_base, values.get("site_url")))
        return rows.by_id(conn, channel.id)


def _insecure(*urls: object) -> dict[str, object]:
    """The audit detail of hosts reached over plain http by exception."""
    insecure = [u for u in urls if isinstance(u, str) and hosts.is_insecure(u)]
    return {"insecure_hosts_allowed": insecure} if insecure else {}


def insecure_hosts(ctx: Context) -> list[str]:
    """Channels stored before https was required that still send credentials in clear."""
    return [f"channel {c.name} sends its credentials over plain http to {url}; give it an "
            f"https:// address (siaran channel update {c.name})"
            for c in list_channels(ctx) for url in (c.api_base, c.site_url)
            if hosts.is_insecure(url)]


def get_channel(ctx: Context, name: str) -> Channel:
    with ctx.db.read() as conn:
        return rows.by_name(conn, name)


def check_credentials(platform: str, credentials: Mapping[str, str]) -> None:
    """Refuse an unknown platform, a key its connector does not read (a typo would be
    stored and never used), or an incomplete set. Errors name keys, never values."""
    from connectors.registry import CONNECTORS

    if platform not in CONNECTORS:
        raise ConfigError(Said("unknown platform {platform!r}; known: {known}",
                               platform=platform, known=", ".join(CONNECTORS)))
    connector = CONNECTORS[platform]
    known = frozenset().union(*connector.credential_keys,
                              OPTIONAL_CREDENTIALS.get(platform, frozenset()))
    unknown = sorted(set(credentials) - known)
    if unknown:
        raise ConfigError(Said("{platform} channel: {problems}; known keys: {known}",
                               platform=platform,
                               problems=Listed([_unknown_key(key, known) for key in unknown]),
                               known=", ".join(sorted(known))))
    connector.check_credentials(credentials)


def _unknown_key(key: str, known: frozenset[str]) -> Said:
    if not _KEY_NAME.fullmatch(key):
        return Said("a credential key that is not a key name (not shown, it may be a secret)")
    close = difflib.get_close_matches(key, sorted(known), n=1)
    if close:
        return Said("unknown credential key {key!r} (did you mean {close!r}?)", key=key,
                    close=close[0])
    return Said("unknown credential key {key!r}", key=key)


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
            raise InvalidTransition(Said("channel"), channel.state.value, ChannelState.PAUSED.value)
        delivery_rows.hold_channel(conn, channel.id,
                                   f"channel {name} {ChannelState.PAUSED.described}", now)
        act(conn, user=ctx.user, action="channel_pause", entity="channel",
            entity_id=channel.id, now=now, previous=channel.state.value)
        return rows.by_id(conn, channel.id)


def resume(ctx: Context, name: str) -> tuple[Channel, int]:
    """Publish to a channel again (after pausing or re-authorising): held deliveries resume,
    but those held past their missed window are missed. Resuming an active channel releases
    what is still held."""
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


def check(ctx: Context, name: str) -> dict:
    """Ask the platform whether the channel's credentials work, and whose account it is.

    It decrypts the credentials and sends them, so it is authorised first and audited."""
    with ctx.db.read() as conn:
        authorize(conn, ctx.user, "channel_check")
        channel = rows.by_name(conn, name)
        sealed = rows.sealed_credentials(conn, channel.id)
    connector = registry.build_connector(channel.platform, ctx.box.open(sealed),
                                api_base=channel.api_base, timeout=ctx.settings.http_timeout)
    try:
        health = connector.check()
        result = {"channel": name, "ok": health.ok, "account": health.account,
                  "detail": health.detail}
    except PublishError as error:
        result = {"channel": name, "ok": False, "account": "", "detail": str(error)}
    with ctx.db.write() as conn:
        act(conn, user=ctx.user, action="channel_check", entity="channel",
            entity_id=channel.id, now=ctx.now(), ok=result["ok"],
            host=urlsplit(channel.api_base or channel.site_url or "").hostname)
    return result


NAME_MAX = 100


def _checked_name(name: str) -> str:
    """A channel name is one line of printable text, at most ``NAME_MAX`` characters."""
    name = name.strip()
    if not name:
        raise ConfigError(Said("a channel needs a name"))
    if not name.isprintable():
        raise ConfigError(Said("a channel name must be printable text on one line (no tabs, "
                               "line breaks or control characters)"))
    if len(name) > NAME_MAX:
        raise ConfigError(Said("a channel name has at most {most} characters, this one has "
                               "{length}", most=NAME_MAX, length=len(name)))
    return name

