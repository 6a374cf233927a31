"""``/api/v1/reports/engagement`` and ``/api/v1/reports/growth``: read-only, the same
functions as ``siaran report engagement|growth`` (:mod:`ops.engagement.report`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from connectors.errors import ValidationError
from ops.engagement import report
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import Out, PeriodOut, line
from schedules.timeparse import parse_day

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Day = line(64)
READ = responses(401, 422, 429, 503)


class Numbers(Out):
    """Counts; null where no platform of the group tells (never 0 for "unknown")."""

    views: float | None = None
    reach: float | None = None
    reactions: float | None = None
    comments: float | None = None
    shares: float | None = None
    saves: float | None = None
    interactions: float | None = None


class EngagementGroup(Out):
    posts: int
    deliveries: int
    totals: Numbers = Field(description="sums of each delivery's latest reading")
    average: Numbers = Field(description="totals per post")


class EngagementOut(PeriodOut):
    by: str
    groups: list[EngagementGroup]
    total: EngagementGroup


class Audience(Out):
    day: str
    followers: int | None


class ChannelGrowth(Out):
    channel: str
    platform: str
    first: Audience
    last: Audience
    growth: int | None
    growth_percent: float | None
    days: int


class GrowthOut(PeriodOut):
    channels: list[ChannelGrowth]


def _period(ctx: Context, start: str | None, end: str | None):
    tz = ctx.settings.timezone
    first = parse_day(start, tz) if start else None
    last = parse_day(end, tz) if end else None
    if first and last and last <= first:
        raise ValidationError("`to` must be after `from`", [("to", "must be after `from`")])
    return first, last


FROM = Query(None, alias="from", description="first day, YYYY-MM-DD in the office's zone "
                                             "(default: 28 days before `to`)")
TO = Query(None, alias="to", description="the day after the last (exclusive; default: "
                                         "tomorrow)")


@router.get("/engagement", response_model=EngagementOut, response_model_by_alias=True,
            responses=READ)
def engagement(ctx: Context = Depends(acting), start: Day | None = FROM,
               end: Day | None = TO,
               by: Literal["pillar", "channel", "post"] = Query("pillar")) -> dict:
    """Totals and per-post averages of the period's published posts by pillar (beside the
    target and the actual share), channel or post, as `siaran report engagement --json`."""
    first, last = _period(ctx, start, end)
    return report.engagement_report(ctx, first, last, by)


@router.get("/growth", response_model=GrowthOut, response_model_by_alias=True,
            responses=READ)
def growth(ctx: Context = Depends(acting), start: Day | None = FROM,
           end: Day | None = TO) -> dict:
    """Each channel's audience growth over the period, as `siaran report growth --json`."""
    first, last = _period(ctx, start, end)
    return report.growth_report(ctx, first, last)
