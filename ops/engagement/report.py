"""The engagement report (by pillar, channel or post) and the audience growth report.

Engagement totals add up each published delivery's *latest* snapshot; a post's numbers are
those of all its channels together, and averages are per post (a post on three channels
counts once). A number no platform of the group tells stays None ("n/a"), never 0. By
pillar, each row carries the pillar's target share (:mod:`schedules.mix`) beside its actual
share of the report's posts (those published in the period, publish-now ones included),
so reach and mix are read side by side.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from connectors.engagement import FIELDS, INTERACTIONS
from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.editorial.views import local
from orchestrator.runtime.context import Context
from orchestrator.store import audience as audience_rows
from orchestrator.store import engagement as rows
from schedules import mix as mixes

GROUPINGS = ("pillar", "channel", "post")
#: The default period: this many days up to today, today included.
DEFAULT_DAYS = 28
MEASURES = (*FIELDS, "interactions")


def period(ctx: Context, start: datetime | None, end: datetime | None
           ) -> tuple[datetime, datetime]:
    """[start, end): by default the last :data:`DEFAULT_DAYS` days, today included."""
    tz = ctx.settings.timezone
    if end is None:
        today = ctx.now().astimezone(tz).date()
        end = datetime.combine(today + timedelta(days=1), time(), tzinfo=tz)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise ValidationError(Said("the period must end after it starts (--to after --from)"))
    return start, end


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _totals(items: list[dict]) -> dict[str, int | None]:
    totals = {name: _sum([i[name] for i in items]) for name in FIELDS}
    totals["interactions"] = _sum([totals[n] for n in INTERACTIONS])
    return totals


def _average(total: int | None, posts: int) -> float | None:
    return None if total is None or not posts else round(total / posts, 2)


def _group(key: dict, items: list[dict]) -> dict:
    totals = _totals(items)
    posts = len({i["post_id"] for i in items})
    return {**key, "posts": posts, "deliveries": len(items), "totals": totals,
            "average": {name: _average(totals[name], posts) for name in MEASURES}}


def engagement_report(ctx: Context, start: datetime | None = None,
                      end: datetime | None = None, by: str = "pillar") -> dict:
    """Totals and per-post averages of the period's published posts, grouped ``by``."""
    if by not in GROUPINGS:
        raise ValidationError(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    start, end = period(ctx, start, end)
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        latest = rows.latest(conn, start, end)
    groups: dict[object, list[dict]] = {}
    for item in latest:
        key = item["pillar"] if by == "pillar" else (
            item["channel"] if by == "channel" else item["post_id"])
        groups.setdefault(key, []).append(item)
    shown = []
    if by == "pillar":
        all_posts = len({i["post_id"] for i in latest})
        for p in mixes.mix(ctx, start, end).pillars:
            shown.append(_group({"pillar": p.pillar}, groups.pop(p.pillar, []))
                         | {"target": p.target})
        shown += [_group({"pillar": k}, v) | {"target": None}
                  for k, v in sorted(groups.items())]
        for row in shown:
            row["share"] = round(100.0 * row["posts"] / all_posts, 2) if all_posts else None
    elif by == "channel":
        shown = [_group({"channel": k, "platform": v[0]["platform"]}, v)
                 for k, v in sorted(groups.items())]
    else:
        shown = [_group({"post": k, "title": v[0]["title"], "pillar": v[0]["pillar"],
                         "channels": sorted(i["channel"] for i in v)}, v)
                 for k, v in sorted(groups.items())]
    return {"from": local(start, tz), "to": local(end, tz), "by": by,
            "groups": shown, "total": _group({}, latest)}


def growth_report(ctx: Context, start: datetime | None = None,
                  end: datetime | None = None) -> dict:
    """Each channel's audience at the first and the last day of the period with a
    snapshot, and the growth between them (None where the platform does not tell)."""
    start, end = period(ctx, start, end)
    tz = ctx.settings.timezone
    first = start.astimezone(tz).date().isoformat()
    last = (end.astimezone(tz) - timedelta(microseconds=1)).date().isoformat()
    with ctx.db.read() as conn:
        snapshots = audience_rows.between(conn, first, last)
    by_channel: dict[str, list[dict]] = {}
    for snap in snapshots:
        by_channel.setdefault(snap["channel"], []).append(snap)
    channels = []
    for name, snaps in by_channel.items():
        known = [s for s in snaps if s["followers"] is not None]
        begin, finish = (known[0], known[-1]) if known else (snaps[0], snaps[-1])
        growth = None if not known else finish["followers"] - begin["followers"]
        percent = None if growth is None or not begin["followers"] else round(
            100.0 * growth / begin["followers"], 2)
        channels.append({"channel": name, "platform": snaps[0]["platform"],
                         "first": {"day": begin["day"], "followers": begin["followers"]},
                         "last": {"day": finish["day"], "followers": finish["followers"]},
                         "growth": growth, "growth_percent": percent, "days": len(snaps)})
    return {"from": local(start, tz), "to": local(end, tz), "channels": channels}
