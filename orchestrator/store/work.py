"""What one delivery attempt needs, read in one statement: the delivery, its channel with
the sealed credentials, and its post's row (completed by :func:`posts.complete`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Column, Connection, bindparam, select

from orchestrator.domain.model import Channel, Delivery
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store.schema import channels, deliveries, posts


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
_READ = (select(deliveries, channels, posts)
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


def read(conn: Connection, delivery_id: int) -> Work | None:
    """The delivery with its channel and post row; None for an unknown delivery."""
    row = conn.execute(_READ, {"d": delivery_id}).first()
    if row is None:
        return None
    channel = ColumnsOf(row, _CHANNEL)
    return Work(delivery_rows.from_row(ColumnsOf(row, _DELIVERY)),
                channel_rows.from_row(channel), channel.credentials, ColumnsOf(row, _POST))
