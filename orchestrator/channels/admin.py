"""Adding and listing channels; credentials are sealed before they reach the database."""

from __future__ import annotations

from urllib.parse import urlsplit

from connectors import registry
from connectors.errors import ConfigError, InvalidTransition, PublishError
from orchestrator.access.roles import act, authorize
from orchestrator.channels import hosts
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel
from orchestrator.domain.states import ChannelState, DeliveryStatus
from orchestrator.pipeline.queues import queue_for
from orchestrator.runtime.context import Context
from orchestrator.store import channels as rows
from orchestrator.store import deliveries as delivery_rows


def add_channel(ctx: Context, *, name: str, platform: str, credentials: dict[str, str],
                api_base: str | None = None,
                rate_limits: tuple[RateLimit, ...] | None = None,
                allow_insecure_host: bool = False) -> Channel:
    """Check and store a channel. Errors name missing keys, never values.

    Credentials go to https hosts only, or to loopback ones (:mod:`.hosts`); the audit
    event names the hosts they will be sent to."""
    name = _checked_name(name)
    if platform not in registry.names():
        known = ", ".join(registry.names())
        raise ConfigError(f"unknown platform {platform!r}; known: {known}")
    if api_base is not None:
        api_base = hosts.checked_url(api_base, "--api-base", allow_insecure=allow_insecure_host)
    credentials = hosts.checked_credentials(credentials, allow_insecure=allow_insecure_host)
    registry.connector_class(platform).check_credentials(credentials)
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
                   allow_insecure_host: bool = False) -> Channel:
    """Replace a channel's credentials (after re-authorising), API base or posting limits.

    The audit event records every host change as ``{"from": …, "to": …}``."""
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
            registry.connector_class(channel.platform).check_credentials(credentials)
            values["credentials"] = ctx.box.seal(credentials)
            if credentials.get("site_url"):
                values["site_url"] = credentials["site_url"]
                detail["site_url"] = {"from": channel.site_url, "to": values["site_url"]}
        if api_base is not None:
            values["api_base"] = api_base
            detail["api_base"] = {"from": channel.api_base, "to": api_base}
        if rate_limits is not None:
            values["rate_limits"] = rate_limits
        if not values:
            raise ConfigError("nothing to change: give --credential, --api-base or --rate-limit")
        rows.change(conn, channel.id, **values)
        act(conn, user=ctx.user, action="channel_update", entity="channel",
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


def list_channels(ctx: Context) -> list[Channel]:
    with ctx.db.read() as conn:
        return rows.all_channels(conn)


def pause(ctx: Context, name: str) -> Channel:
    """Stop publishing to a channel; its waiting deliveries are held."""
    return _set_state(ctx, name, ChannelState.PAUSED, "channel_pause")


def resume(ctx: Context, name: str) -> tuple[Channel, int]:
    """Publish to a channel again (after pausing or re-authorising): held deliveries resume."""
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
        raise ConfigError("a channel needs a name")
    if not name.isprintable():
        raise ConfigError("a channel name must be printable text on one line "
                          "(no tabs, line breaks or control characters)")
    if len(name) > NAME_MAX:
        raise ConfigError(f"a channel name has at most {NAME_MAX} characters, "
                          f"this one has {len(name)}")
    return name

