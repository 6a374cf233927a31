"""``/api/v1/audit``: every audited action, newest first (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from orchestrator.editorial import listing
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.paging import Page, page, paged
from orchestrator.web.problems import responses
from orchestrator.web.schemas import AuditEntry, Name, line

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit", response_model=list[AuditEntry],
            responses={**responses(401, 403, 422, 429, 503), **paged("audit events")})
def audit_log(request: Request, response: Response, ctx: Context = Depends(acting),
              entity: line(20) | None = None, actor: Name | None = None,
              action: line(50) | None = None, paging: Page = Depends(page)) -> list[dict]:
    """Audit events: who did what, when, and from where."""
    found = listing.audit_log(ctx, entity=entity, actor=actor, action=action,
                              limit=paging.ask, offset=paging.offset)
    return paging.cut(found, request, response)
