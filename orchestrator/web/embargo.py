"""``/api/v1/status`` and ``/api/v1/embargo``: the embargo (every channel stopped at once),
since when, and lifting it."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends

from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import EmbargoIn, LiftIn, PausedOut, ResumedOut, StatusOut
from orchestrator.web.sending import relay_after
from schedules import embargo
from schedules.timeparse import parse_time

router = APIRouter(prefix="/api/v1", tags=["embargo"])
WRITE = responses(401, 403, 422, 429, 503)


@router.get("/status", response_model=StatusOut, responses=responses(401, 429, 503))
def status(ctx: Context = Depends(acting)) -> dict:
    """The embargo in force (since when, until when), planned ones and the deliveries held,
    as `siaran status --json`."""
    return embargo.status(ctx)


@router.post("/embargo", response_model=PausedOut, responses=WRITE)
def pause_all(body: EmbargoIn, ctx: Context = Depends(acting)) -> dict:
    """Stop every channel (approvers), now or from `from`, until `until` or until lifted.
    An embargo in force now is answered once no request to a platform is in flight; its
    waiting deliveries are held."""
    tz = ctx.settings.timezone
    paused = embargo.pause_all(ctx, body.reason,
                               starts_at=parse_time(body.start, tz) if body.start else None,
                               ends_at=parse_time(body.until, tz) if body.until else None)
    return embargo.paused_view(paused, tz)


@router.post("/embargo/lift", response_model=ResumedOut, responses=WRITE)
def lift(tasks: BackgroundTasks, ctx: Context = Depends(acting),
         body: LiftIn | None = None) -> dict:
    """Lift the embargoes in force (or the one `id`, approvers); the held deliveries go out,
    or are missed past their window."""
    resumed = embargo.resume_all(ctx, embargo_id=body.id if body else None)
    if resumed.released:
        relay_after(tasks, ctx)
    return embargo.resumed_view(resumed, ctx.settings.timezone)
