"""Channel rows."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from connectors.errors import AlreadyExists, NotFound
from connectors.wording import Said
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.model import Channel
from orchestrator.domain.states import ChannelState, move_channel
from orchestrator.store.schema import channels

_PUBLIC = (channels.c.id, channels.c.name, channels.c.platform, channels.c.api_base,
           channels.c.state, channels.c.rate_limits, channels.c.site_url,
           channels.c.timezone)


def from_row(row) -> Channel:
    limits = None
    if row.rate_limits is not None:
        limits = tuple(RateLimit(c, s) for c, s in json.loads(row.rate_limits))
    return Channel(id=row.id, name=row.name, platform=row.platform, api_base=row.api_base,
                   state=ChannelState(row.state), rate_limits=limits, site_url=row.site_url,
                   timezone=row.timezone)


def add(conn: Connection, *, name: str, platform: str, api_base: str | None,
        sealed_credentials: str, now: datetime,
        rate_limits: tuple[RateLimit, ...] | None = None, site_url: str | None = None
        ) -> Channel:
    """Insert a channel; a taken name is AlreadyExists."""
    limits = None if rate_limits is None else json.dumps([[r.count, r.seconds]
                                                          for r in rate_limits])
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(channels).values(
                name=name, platform=platform, api_base=api_base, state="active",
                credentials=sealed_credentials, rate_limits=limits, site_url=site_url,
                created_at=now)).inserted_primary_key[0]
    except IntegrityError:
        raise AlreadyExists(f"a channel named {name!r} already exists") from None
    return Channel(new_id, name, platform, api_base, ChannelState.ACTIVE, rate_limits,
                   site_url)


def by_name(conn: Connection, name: str) -> Channel:
    row = conn.execute(select(*_PUBLIC).where(channels.c.name == name)).first()
    if row is None:
        raise NotFound(Said("no channel named {name!r}", name=name))
    return from_row(row)


_BY_ID = select(*_PUBLIC).where(channels.c.id == bindparam("c"))
_SEALED = select(channels.c.credentials).where(channels.c.id == bindparam("c"))


def by_id(conn: Connection, channel_id: int) -> Channel:
    row = conn.execute(_BY_ID, {"c": channel_id}).first()
    if row is None:
        raise NotFound(Said("no channel with id {id}", id=str(channel_id)))
    return from_row(row)


def all_channels(conn: Connection) -> list[Channel]:
    return [from_row(r) for r in conn.execute(select(*_PUBLIC).order_by(channels.c.name))]


def sealed_credentials(conn: Connection, channel_id: int) -> str:
    return conn.execute(_SEALED, {"c": channel_id}).scalar_one()


def every_sealed(conn: Connection) -> list[tuple[Channel, str]]:
    """Every channel with its sealed credentials (for key checks and rotation)."""
    rows = conn.execute(select(*_PUBLIC, channels.c.credentials).order_by(channels.c.id))
    return [(from_row(r), r.credentials) for r in rows]


def move(conn: Connection, channel_id: int, current: ChannelState, target: ChannelState
         ) -> bool:
    """Compare-and-set the channel state; True if this call moved it."""
    move_channel(current, target)
    return conn.execute(update(channels).where(
        channels.c.id == channel_id, channels.c.state == current.value,
    ).values(state=target.value)).rowcount == 1


def change(conn: Connection, channel_id: int, **values: object) -> None:
    """Change stored fields (sealed ``credentials``, ``api_base``, ``site_url``,
    ``rate_limits``)."""
    if "rate_limits" in values and values["rate_limits"] is not None:
        values["rate_limits"] = json.dumps([[r.count, r.seconds] for r in values["rate_limits"]])
    conn.execute(update(channels).where(channels.c.id == channel_id).values(**values))
