"""``/api/v1/pillars`` and ``/api/v1/mix``: content pillars with their target shares, and the
pillar mix of a period against them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from connectors.errors import ValidationError
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import MixOut, Name, PillarIn, PillarOut, PillarPatch, line
from schedules import mix as mixes
from schedules import pillars
from schedules.timeparse import parse_day

router = APIRouter(prefix="/api/v1", tags=["calendar"])
PillarName = Path(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$",
                  description="the pillar's name (any case)")
WRITE = responses(401, 403, 404, 409, 422, 429, 503)
Day = line(64)


@router.get("/pillars", response_model=list[PillarOut], responses=responses(401, 429, 503))
def list_pillars(ctx: Context = Depends(acting)) -> list[dict]:
    """Every pillar with its target share, as `siaran pillar list --json`."""
    return [pillars.pillar_view(p) for p in pillars.list_pillars(ctx)]


@router.post("/pillars", status_code=201, response_model=PillarOut, responses=WRITE)
def add_pillar(body: PillarIn, ctx: Context = Depends(acting)) -> dict:
    """Add a pillar (approvers); the targets may not add up to more than 100 %."""
    return pillars.pillar_view(pillars.add_pillar(
        ctx, body.name, target=body.target, color=body.color, label_id=body.label_id,
        label_en=body.label_en))


@router.patch("/pillars/{name}", response_model=PillarOut, responses=WRITE)
def update_pillar(body: PillarPatch, name: str = PillarName,
                  ctx: Context = Depends(acting)) -> dict:
    """Change a pillar's target, colour or labels (approvers); its name stays."""
    return pillars.pillar_view(pillars.update_pillar(
        ctx, name, target=body.target, color=body.color, label_id=body.label_id,
        label_en=body.label_en))


@router.get("/mix", response_model=MixOut, responses=responses(401, 404, 422, 429, 503))
def mix(ctx: Context = Depends(acting),
        start: Day | None = Query(None, alias="from", description=(
            "first day, YYYY-MM-DD in the office's zone (default: Monday of this week)")),
        end: Day | None = Query(None, alias="to", description=(
            "the day after the last (exclusive; default: a week after `from`)")),
        channel: Name | None = Query(None, description="only posts to this channel")) -> dict:
    """The pillar mix of a period, planned and published, against the targets, as
    `siaran mix --json`."""
    tz = ctx.settings.timezone
    first = parse_day(start, tz) if start else None
    last = parse_day(end, tz) if end else None
    if first and last and last <= first:
        raise ValidationError("`to` must be after `from`", [("to", "must be after `from`")])
    return mixes.mix_view(mixes.mix(ctx, first, last, channel), tz)
