"""The reports page: engagement per pillar beside the mix, per channel, and audience
growth, for a period — the same functions as ``siaran report engagement|growth`` and
``/api/v1/reports/…``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from connectors.errors import ValidationError
from connectors.wording import Said
from ops.engagement import report
from orchestrator.web.console import render
from orchestrator.web.console.session import Visitor, signed_in

router = APIRouter(include_in_schema=False)
#: The measures shown, in order (None in a report: the platforms do not tell → "n/a").
MEASURES = ("views", "reach", "interactions")


@router.get("/reports")
def reports(request: Request, start: str = "", end: str = "",
            who: Visitor = Depends(signed_in)) -> Response:
    tz = who.ctx.settings.timezone
    first, last = _day(start, Said("from")), _day(end, Said("to"))
    begin = datetime.combine(first, time(), tzinfo=tz) if first else None
    finish = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz) if last else None
    begin, finish = report.period(who.ctx, begin, finish)
    by_pillar = report.engagement_report(who.ctx, begin, finish, by="pillar")
    by_channel = report.engagement_report(who.ctx, begin, finish, by="channel")
    growth = report.growth_report(who.ctx, begin, finish)
    return render.page(request, who, "reports.html", pillars=by_pillar,
                       channels=by_channel, growth=growth, measures=MEASURES,
                       first=begin.astimezone(tz).date(),
                       last=(finish - timedelta(days=1)).astimezone(tz).date())


def _day(raw: str, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(Said("{field} must be a date like 2026-12-01, not {raw!r}",
                                   field=field, raw=raw),
                              [(field, Said("a date like 2026-12-01"))]) from None
