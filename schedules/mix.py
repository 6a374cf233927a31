"""The pillar mix of a period, planned and achieved, against each pillar's target.

*Planned* posts are those scheduled in the period whose content has been approved, whatever
happened to them since (approved, publishing, published, partially published, failed,
missed); *published* posts are those that went out (published or partially published).
Shares are percentages of the period's planned (or published) posts; a deviation is the
share minus the target, in percentage points. Approving a post that moves its ISO week's
planned mix more than ``DRIFT_LIMIT`` points away from a target gives a warning (it does not
block).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from orchestrator.domain.model import Post
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial.views import local
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import mix as mix_rows
from orchestrator.store import pillars as pillar_rows
from orchestrator.store.db import Connection

PLANNED = frozenset(s.value for s in P) - {P.DRAFT.value, P.IN_REVIEW.value,
                                             P.REJECTED.value, P.CANCELLED.value}
PUBLISHED = frozenset({P.PUBLISHED.value, P.PARTIALLY_PUBLISHED.value})
#: Percentage points a week's planned share may stray from a target before approval warns.
DRIFT_LIMIT = 10.0


@dataclass(frozen=True)
class PillarMix:
    pillar: str
    target: float
    planned: int
    published: int
    planned_share: float | None
    published_share: float | None

    @property
    def planned_deviation(self) -> float | None:
        return None if self.planned_share is None else self.planned_share - self.target

    @property
    def published_deviation(self) -> float | None:
        return None if self.published_share is None else self.published_share - self.target


@dataclass(frozen=True)
class Mix:
    start: datetime
    end: datetime
    pillars: list[PillarMix]

    @property
    def planned(self) -> int:
        return sum(p.planned for p in self.pillars)

    @property
    def published(self) -> int:
        return sum(p.published for p in self.pillars)


def week_of(at: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The ISO week (Monday 00:00 to the next Monday, in ``tz``) holding ``at``."""
    day = at.astimezone(tz).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), time(), tzinfo=tz)
    return monday, datetime.combine(monday.date() + timedelta(days=7), time(), tzinfo=tz)


def mix(ctx: Context, start: datetime | None = None, end: datetime | None = None,
        channel: str | None = None) -> Mix:
    """The mix of [start, end); by default the current ISO week in the office's zone, and a
    period of one week when only its start is given."""
    tz = ctx.settings.timezone
    if start is None:
        start, week_end = week_of(end - timedelta(microseconds=1) if end else ctx.now(), tz)
        end = end or week_end
    elif end is None:
        end = start + timedelta(days=7)
    with ctx.db.read() as conn:
        channel_id = channel_rows.by_name(conn, channel).id if channel else None
        return _mix(conn, start, end, channel_id)


def _mix(conn: Connection, start: datetime, end: datetime, channel_id: int | None) -> Mix:
    planned: dict[str, int] = {}
    published: dict[str, int] = {}
    for pillar, status, n in mix_rows.counts(conn, start, end, channel_id):
        if status in PLANNED:
            planned[pillar] = planned.get(pillar, 0) + n
        if status in PUBLISHED:
            published[pillar] = published.get(pillar, 0) + n
    targets = {p.name: p.target for p in pillar_rows.every(conn)}
    for name in planned.keys() | published.keys():
        targets.setdefault(name, 0.0)
    total_planned, total_published = sum(planned.values()), sum(published.values())
    shown = [PillarMix(name, target, planned.get(name, 0), published.get(name, 0),
                       _share(planned.get(name, 0), total_planned),
                       _share(published.get(name, 0), total_published))
             for name, target in targets.items()]
    shown.sort(key=lambda p: (-p.target, p.pillar))
    return Mix(start, end, shown)


def _share(count: int, total: int) -> float | None:
    return None if not total else 100.0 * count / total


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def mix_view(found: Mix, tz: ZoneInfo) -> dict:
    """The JSON shape of a mix; shares and deviations in percent of the period's posts."""
    return {"from": local(found.start, tz), "to": local(found.end, tz),
            "planned": found.planned, "published": found.published,
            "pillars": [{"pillar": p.pillar, "target": p.target, "planned": p.planned,
                         "published": p.published,
                         "share": {"planned": _round(p.planned_share),
                                   "published": _round(p.published_share)},
                         "deviation": {"planned": _round(p.planned_deviation),
                                       "published": _round(p.published_deviation)}}
                        for p in found.pillars]}


def drift_warnings(ctx: Context, approved: list[Post]) -> list[str]:
    """For each ISO week in which ``approved`` (just approved) fall: a warning when their
    approval moved the week's planned mix more than ``DRIFT_LIMIT`` points away from a
    target."""
    tz = ctx.settings.timezone
    weeks: dict[datetime, list[Post]] = {}
    for post in approved:
        if post.scheduled_at is not None:
            weeks.setdefault(week_of(post.scheduled_at, tz)[0], []).append(post)
    warnings = []
    with ctx.db.read() as conn:
        for monday, posts in sorted(weeks.items()):
            after = _mix(conn, monday, week_of(monday, tz)[1], None)
            drifted = _drifted(after, posts)
            if drifted:
                year, week, _ = monday.isocalendar()
                which = (f"post {posts[0].id}" if len(posts) == 1
                         else f"{len(posts)} posts ({', '.join(str(p.id) for p in posts)})")
                warnings.append(
                    f"{which}: the planned mix of week {year}-W{week:02d} moves away from its "
                    "targets: " + ", ".join(
                        f"{p.pillar} {p.planned_share:.0f} % (target {p.target:g} %, "
                        f"{p.planned_deviation:+.0f} points)" for p in drifted))
    return warnings


def _drifted(after: Mix, added: list[Post]) -> list[PillarMix]:
    """Pillars more than DRIFT_LIMIT points off target that the added posts moved further."""
    less = {p.pillar: 0 for p in after.pillars}
    for post in added:
        less[post.pillar] = less.get(post.pillar, 0) + 1
    total_before = after.planned - len(added)
    found = []
    for p in after.pillars:
        if p.planned_deviation is None or abs(p.planned_deviation) <= DRIFT_LIMIT:
            continue
        before = _share(p.planned - less.get(p.pillar, 0), total_before)
        if before is None or abs(p.planned_deviation) > abs(before - p.target) + 1e-9:
            found.append(p)
    return found
