"""Posting slots per channel, in the channel's time zone: set, clear, the next free ones,
and the earliest moment that is a free slot on every channel of a post (``--queue``).

The zone of a channel is its own (``siaran channel update NAME --timezone``) or else the
office's. A slot is taken when a scheduled post (not cancelled or rejected) targets the
channel at that moment. Placement looks ``HORIZON`` ahead, reading the taken slots a stretch
at a time (a week, then twice as much each time: a free slot soon costs one small query, a
full calendar a handful), and runs inside the transaction that writes the post, under a
lock, so two posts queued at once never share a slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.errors import ValidationError
from orchestrator.access.roles import act
from orchestrator.domain.slots import SlotRule, checked_zone, from_json, instants, parse_rule
from orchestrator.domain.slots import to_json as rules_json
from orchestrator.editorial.views import local
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import slots as rows
from orchestrator.store.db import Connection

HORIZON = timedelta(days=90)
#: The first stretch of calendar whose taken slots are read; each next one is twice as long.
STRIDE = timedelta(days=7)
#: A slot must lie after now by at least this much.
_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True)
class ChannelSlots:
    channel: str
    timezone: ZoneInfo
    rules: tuple[SlotRule, ...]


def set_slots(ctx: Context, channel: str, rules: list[str]) -> ChannelSlots:
    """Replace a channel's posting slots (``[]`` clears them)."""
    parsed = tuple(parse_rule(r) for r in rules)
    now = ctx.now()
    with ctx.db.write() as conn:
        found = channel_rows.by_name(conn, channel)
        rows.save(conn, found.id, rules_json(parsed) if parsed else None)
        act(conn, user=ctx.user, action="channel_slots", entity="channel", entity_id=found.id,
            now=now, slots=[str(r) for r in parsed])
        return _slots_of(conn, found.id, ctx.settings.timezone)


def slots_of(ctx: Context, channel: str) -> ChannelSlots:
    with ctx.db.read() as conn:
        return _slots_of(conn, channel_rows.by_name(conn, channel).id, ctx.settings.timezone)


def _slots_of(conn: Connection, channel_id: int, office: ZoneInfo) -> ChannelSlots:
    name, zone, slots = rows.of_channels(conn, [channel_id])[channel_id]
    return ChannelSlots(name, checked_zone(zone) if zone else office, from_json(slots))


def next_free(ctx: Context, channel: str, count: int = 10) -> list[datetime]:
    """The channel's next ``count`` free slots (within ``HORIZON``), earliest first."""
    if count < 1:
        raise ValidationError("ask for at least one slot")
    now = ctx.now()
    with ctx.db.read() as conn:
        channel_id = channel_rows.by_name(conn, channel).id
        slots = _slots_of(conn, channel_id, ctx.settings.timezone)
        _require_rules([slots])
        found: list[datetime] = []
        for start, end in _strides(now):
            candidates = instants(slots.rules, slots.timezone, start, end)
            if candidates:
                taken = rows.taken(conn, [channel_id], start, end)[channel_id]
                found += [t for t in candidates if t not in taken][:count - len(found)]
            if len(found) == count:
                break
        return found


def first_common_free(conn: Connection, channel_ids: list[int], now: datetime,
                      office: ZoneInfo) -> datetime:
    """The earliest moment within ``HORIZON`` that is a free slot on every channel; refused
    with the reason when there is none."""
    slots = [_slots_of(conn, c, office) for c in channel_ids]
    _require_rules(slots)
    common = 0
    for start, end in _strides(now):
        moments = set(instants(slots[0].rules, slots[0].timezone, start, end))
        for other in slots[1:]:
            moments &= set(instants(other.rules, other.timezone, start, end))
        if not moments:
            continue
        common += len(moments)
        taken = rows.taken(conn, channel_ids, start, end)
        for moment in sorted(moments):
            if all(moment not in taken[c] for c in channel_ids):
                return moment
    names = ", ".join(f"{s.channel} ({s.timezone.key})" for s in slots)
    days = HORIZON.days
    if not common:
        raise ValidationError(f"the posting slots of {names} never fall at the same moment "
                              f"in the next {days} days: give --at, or align the slots")
    which = f"of {names}" if len(slots) == 1 else f"common to {names}"
    raise ValidationError(f"no free posting slot {which} in the next {days} days "
                          f"({common} slots, all taken): give --at, or add slots")


def placer(office: ZoneInfo) -> Callable[[Connection, list[int], datetime], datetime]:
    """What places a post at its first common free slot, inside the transaction that writes
    it (:func:`orchestrator.editorial.workflow.create_post`'s ``place``)."""
    def place(conn: Connection, channel_ids: list[int], now: datetime) -> datetime:
        rows.lock_placing(conn)
        return first_common_free(conn, channel_ids, now, office)
    return place


def _strides(now: datetime):
    start, end, stride = now + _AFTER, now + HORIZON, STRIDE
    while start < end:
        yield start, min(start + stride, end)
        start += stride
        stride *= 2


def _require_rules(slots: list[ChannelSlots]) -> None:
    bare = [s.channel for s in slots if not s.rules]
    if bare:
        raise ValidationError(
            f"channel{'s' if len(bare) > 1 else ''} {', '.join(bare)} "
            f"{'have' if len(bare) > 1 else 'has'} no posting slots: set them with "
            "`siaran channel slots NAME --set 'mon-fri 09:00,12:00'`")


def slots_view(slots: ChannelSlots, office: ZoneInfo, upcoming: list[datetime] | None = None
               ) -> dict:
    """A channel's zone and rules, and its next free slots (office zone and local)."""
    shown: dict[str, object] = {"channel": slots.channel, "timezone": slots.timezone.key,
                                "slots": [str(r) for r in slots.rules]}
    if upcoming is not None:
        shown["next"] = [{"at": local(t, office), "local": local(t, slots.timezone)}
                         for t in upcoming]
    return shown
