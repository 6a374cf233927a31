"""``/api/v1/calendar``: the posts of a period with each delivery's state."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from connectors.errors import ValidationError
from orchestrator.domain.states import PostStatus
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.paging import Page, page, paged
from orchestrator.web.problems import responses
from orchestrator.web.schemas import Name, PostSummary, line
from schedules import calendar as calendar_views
from schedules.timeparse import parse_bound

router = APIRouter(prefix="/api/v1", tags=["calendar"])
Bound = line(64)


@router.get("/calendar", response_model=list[PostSummary],
            responses={**responses(401, 422, 429, 503), **paged("posts by time")})
def calendar(request: Request, response: Response, ctx: Context = Depends(acting),
             start: Bound | None = Query(None, alias="from", description=(
                 "first day (YYYY-MM-DD, the office's time zone) or time (ISO 8601)")),
             end: Bound | None = Query(None, alias="to", description="end, exclusive"),
             channel: Name | None = None, pillar: line(100) | None = None,
             status: PostStatus | None = None, paging: Page = Depends(page)) -> list[dict]:
    """Posts scheduled in [from, to) by time, unscheduled ones last; filters by channel,
    pillar and status."""
    tz = ctx.settings.timezone
    first = parse_bound(start, tz) if start else None
    last = parse_bound(end, tz) if end else None
    if first and last and last <= first:
        raise ValidationError("`to` must be after `from`", [("to", "must be after `from`")])
    found = calendar_views.calendar(ctx, first, last, channel=channel, pillar=pillar,
                                    status=status, limit=paging.ask, offset=paging.offset)
    return paging.cut(found, request, response)
