"""What one delivery attempt needs, read in one statement: the delivery, its channel with
the sealed credentials, its post's row, the post's channel names, whether it has media
(completed by :func:`posts.complete`) and the reason of an embargo in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    LABEL_STYLE_TABLENAME_PLUS_COL,
    Column,
    Connection,
    bindparam,
    func,
    select,
)

from orchestrator.domain.model import Channel, Delivery
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store.embargoes import REASON_IN_FORCE
from orchestrator.store.schema import channels, deliveries, post_channels, post_media, posts


class ColumnsOf:
    """Attribute access to some columns of a joined row, by their own names: lets the
    single-table row mappers read a join."""

    __slots__ = ("_mapping", "_columns")

    def __init__(self, row, columns: dict[str, Column]) -> None:
        self._mapping = row._mapping
        self._columns = columns

    def __getattr__(self, name: str):
        try:
            return self._mapping[self._columns[name]]
        except KeyError:
            raise AttributeError(name) from None


_DELIVERY = {c.name: c for c in deliveries.c} | {"channel": channels.c.name,
                                                 "platform": channels.c.platform}
_CHANNEL = {c.name: c for c in channels.c}
_POST = {c.name: c for c in posts.c}
#: Channel names are printable one-line text (channel_admin), so a line break separates them.
_NAME_SEPARATOR = "\n"
_TARGET = channels.alias("target")
_NAMES = (select(func.aggregate_strings(_TARGET.c.name, _NAME_SEPARATOR))
          .select_from(post_channels.join(_TARGET, _TARGET.c.id == post_channels.c.channel_id))
          .where(post_channels.c.post_id == deliveries.c.post_id)
          .scalar_subquery().label("post_channel_names"))
_MEDIA_COUNT = (select(func.count()).select_from(post_media)
                .where(post_media.c.post_id == deliveries.c.post_id)
                .scalar_subquery().label("post_media_count"))
_EMBARGO = REASON_IN_FORCE.label("embargo_reason")
_READ = (select(deliveries, channels, posts, _NAMES, _MEDIA_COUNT, _EMBARGO)
         .select_from(deliveries.join(channels, channels.c.id == deliveries.c.channel_id)
                      .join(posts, posts.c.id == deliveries.c.post_id))
         .where(deliveries.c.id == bindparam("d"))
         .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL))


@dataclass(frozen=True)
class Work:
    delivery: Delivery
    channel: Channel
    sealed: str
    post_row: ColumnsOf
    channel_names: tuple[str, ...]
    has_media: bool
    #: The reason of the embargo in force at the time of the read; None: there is none.
    embargo: str | None = None


def read(conn: Connection, delivery_id: int, now: datetime) -> Work | None:
    """The delivery with its channel and post row; None for an unknown delivery."""
    row = conn.execute(_READ, {"d": delivery_id, "embargo_at": now}).first()
    if row is None:
        return None
    channel = ColumnsOf(row, _CHANNEL)
    names = row._mapping[_NAMES]
    return Work(delivery_rows.from_row(ColumnsOf(row, _DELIVERY)),
                channel_rows.from_row(channel), channel.credentials, ColumnsOf(row, _POST),
                tuple(sorted(names.split(_NAME_SEPARATOR))) if names else (),
                row._mapping[_MEDIA_COUNT] > 0, row._mapping[_EMBARGO])
