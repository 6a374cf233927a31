"""``/api/v1/channels``: list, show with health (credential names only), pause, resume,
check."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Path

from orchestrator.channels import admin, views
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import ChannelDetail, ChannelOut, ChannelStateOut, CheckOut
from orchestrator.web.sending import relay_after

router = APIRouter(prefix="/api/v1/channels", tags=["channels"])
ChannelName = Path(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$",
                   description="the channel's name")
WRITE = responses(401, 403, 404, 409, 429, 503)


@router.get("", response_model=list[ChannelOut], responses=responses(401, 429, 503))
def list_channels(ctx: Context = Depends(acting)) -> list[dict]:
    """Every channel."""
    return [views.channel_view(c) for c in admin.list_channels(ctx)]


@router.get("/{name}", response_model=ChannelDetail, responses=responses(401, 404, 429, 503))
def show_channel(name: str = ChannelName, ctx: Context = Depends(acting)) -> dict:
    """A channel with its health; its credentials by name only."""
    return views.show_channel(ctx, name)


@router.post("/{name}/pause", response_model=ChannelStateOut, responses=WRITE)
def pause(name: str = ChannelName, ctx: Context = Depends(acting)) -> dict:
    """Stop publishing to a channel; its waiting deliveries are held."""
    return {**views.channel_view(admin.pause(ctx, name)), "released": 0}


@router.post("/{name}/resume", response_model=ChannelStateOut, responses=WRITE)
def resume(tasks: BackgroundTasks, name: str = ChannelName,
           ctx: Context = Depends(acting)) -> dict:
    """Publish to a channel again; held deliveries go out."""
    channel, released = admin.resume(ctx, name)
    relay_after(tasks, ctx)
    return {**views.channel_view(channel), "released": released}


@router.post("/{name}/check", response_model=CheckOut, responses=WRITE)
def check(name: str = ChannelName, ctx: Context = Depends(acting)) -> dict:
    """Ask the platform whether the channel's credentials work, and whose account it is."""
    return admin.check(ctx, name)
