"""``/healthz``: is the app up and its database reachable? No token needed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from orchestrator.access import accounts
from orchestrator.web.auth import gate_of
from orchestrator.web.problems import responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    api: str


@router.get("/healthz", response_model=Health, responses=responses(503))
def healthz(request: Request) -> dict:
    """`ok`, and whether the API is `open` (an admin exists) or `closed`."""
    is_open = accounts.admin_exists(gate_of(request).ctx)
    return {"status": "ok", "api": "open" if is_open else "closed"}
