"""``/api/v1/channels/{name}/slots``: a channel's posting slots and its next free ones."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.channels import ChannelName
from orchestrator.web.problems import responses
from orchestrator.web.schemas import SlotsIn, SlotsOut
from schedules import slots

router = APIRouter(prefix="/api/v1/channels", tags=["channels"])


@router.get("/{name}/slots", response_model=SlotsOut, response_model_exclude_none=True,
            responses=responses(401, 404, 422, 429, 503))
def show_slots(name: str = ChannelName, ctx: Context = Depends(acting),
               count: int | None = Query(None, alias="next", ge=1, le=1000, description=(
                   "also list the next N free slots (within 90 days)"))) -> dict:
    """The channel's time zone and posting slots, as `siaran channel slots NAME --json`."""
    upcoming = slots.next_free(ctx, name, count) if count is not None else None
    return slots.slots_view(slots.slots_of(ctx, name), ctx.settings.timezone, upcoming)


@router.put("/{name}/slots", response_model=SlotsOut, response_model_exclude_none=True,
            responses=responses(401, 403, 404, 422, 429, 503))
def set_slots(body: SlotsIn, name: str = ChannelName, ctx: Context = Depends(acting)) -> dict:
    """Replace the channel's posting slots (approvers); `[]` clears them."""
    return slots.slots_view(slots.set_slots(ctx, name, body.rules), ctx.settings.timezone)
