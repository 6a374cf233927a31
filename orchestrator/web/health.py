"""``/healthz`` (the process answers), ``/readyz`` (it can publish) and ``/metrics``
(Prometheus). No token needed; nothing secret in any of them.

``/readyz`` and ``/metrics`` are operators' endpoints, left out of the OpenAPI document
(a probe's 503 is its answer, not a server error; metrics are Prometheus text)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ops import health, metrics
from orchestrator.access import accounts
from orchestrator.web.auth import gate_of
from orchestrator.web.problems import responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    api: str


@router.get("/healthz", response_model=Health, responses=responses(503))
def healthz(request: Request) -> dict:
    """`ok` whenever the process answers, and whether the API is `open` (an admin exists),
    `closed`, or `unknown` (the database does not answer: see `/readyz`)."""
    try:
        api = "open" if accounts.admin_exists(gate_of(request).ctx) else "closed"
    except Exception:  # noqa: BLE001 - liveness must not depend on the database
        api = "unknown"
    return {"status": "ok", "api": api}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """200 when every check passes, else 503; the body names each check."""
    found = health.readiness(gate_of(request).ctx)
    return JSONResponse(health.view(found), status_code=200 if found.ready else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/metrics", include_in_schema=False)
def prometheus(request: Request) -> Response:
    """Every process's counters and histograms, and the gauges read now."""
    body, content_type = metrics.exposition(gate_of(request).ctx)
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
