"""``/api/v1/series``: repeated posts (``POST /api/v1/posts`` with ``repeat``): list, show
with their occurrences, cancel."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import SeriesCancelled, SeriesDetail, SeriesOut
from schedules import series

router = APIRouter(prefix="/api/v1/series", tags=["series"])
SeriesId = Path(ge=1, le=2**31 - 1, description="the series' id")


@router.get("", response_model=list[SeriesOut], responses=responses(401, 429, 503))
def list_series(ctx: Context = Depends(acting)) -> list[dict]:
    """Every series, as `siaran series list --json`."""
    tz = ctx.settings.timezone
    return [series.series_view(s, occurrences, tz)
            for s, occurrences in series.list_series(ctx)]


@router.get("/{series_id}", response_model=SeriesDetail,
            responses=responses(401, 404, 429, 503))
def show_series(series_id: int = SeriesId, ctx: Context = Depends(acting)) -> dict:
    """A series and its occurrences written so far, as `siaran series show ID --json`."""
    found, occurrences, digest = series.show_series(ctx, series_id)
    return series.series_view(found, occurrences, ctx.settings.timezone, digest)


@router.post("/{series_id}/cancel", response_model=SeriesCancelled,
             responses=responses(401, 403, 404, 409, 429, 503))
def cancel_series(series_id: int = SeriesId, ctx: Context = Depends(acting)) -> dict:
    """Stop a series: no more occurrences; those not yet going out are cancelled."""
    cancelled = series.cancel_series(ctx, series_id)
    return {"id": series_id, "status": "cancelled", "cancelled_posts": cancelled}
