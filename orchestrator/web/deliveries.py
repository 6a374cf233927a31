"""``/api/v1/deliveries``: the operations view; retry, resolve or cancel one delivery."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response

from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial import listing, publishing, retrying, views
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.paging import Page, page, paged
from orchestrator.web.problems import responses
from orchestrator.web.schemas import DeliveryAction, DeliveryOut, Name, ResolveIn, RetryIn, line
from orchestrator.web.sending import relay_after

router = APIRouter(prefix="/api/v1/deliveries", tags=["deliveries"])
DeliveryId = Path(ge=1, le=2**31 - 1, description="the delivery's id")
WRITE = responses(401, 403, 404, 409, 422, 429, 503)


@router.get("", response_model=list[DeliveryOut],
            responses={**responses(401, 422, 429, 503), **paged("deliveries")})
def list_deliveries(request: Request, response: Response, ctx: Context = Depends(acting),
                    status: DeliveryStatus | None = None, channel: Name | None = None,
                    platform: line(20) | None = None, error_kind: line(40) | None = None,
                    post_id: int | None = Query(None, ge=1, le=2**31 - 1),
                    paging: Page = Depends(page)) -> list[dict]:
    """Deliveries matching every filter given, newest first."""
    found = listing.deliveries(ctx, status=status, channel=channel, platform=platform,
                               error_kind=error_kind, post_id=post_id, limit=paging.ask,
                               offset=paging.offset)
    return paging.cut(found, request, response)


@router.post("/{delivery_id}/retry", response_model=DeliveryAction, responses=WRITE)
def retry(tasks: BackgroundTasks, delivery_id: int = DeliveryId,
          ctx: Context = Depends(acting), body: RetryIn | None = None) -> dict:
    """Queue a failed delivery again, as `siaran deliveries retry` does; an `unknown` one
    asks the platform first (found: recorded published, never sent twice), unless `force`
    says the account was checked."""
    retrying.retry_checked(ctx, delivery_id, force=bool(body and body.force))
    relay_after(tasks, ctx)
    return {"id": delivery_id, "status": views.show_delivery(ctx, delivery_id)["status"]}


@router.post("/{delivery_id}/resolve", response_model=DeliveryAction, responses=WRITE)
def resolve(body: ResolveIn, delivery_id: int = DeliveryId,
            ctx: Context = Depends(acting)) -> dict:
    """Settle an `unknown` delivery after looking at the platform."""
    publishing.resolve_delivery(ctx, delivery_id, published=body.published,
                                permalink=body.permalink, external_id=body.external_id)
    return {"id": delivery_id, "status": "published" if body.published else "failed"}


@router.post("/{delivery_id}/cancel", response_model=DeliveryAction, responses=WRITE)
def cancel(delivery_id: int = DeliveryId, ctx: Context = Depends(acting)) -> dict:
    """Stop one delivery not yet sent; the post's other deliveries go on."""
    publishing.cancel_delivery(ctx, delivery_id)
    return {"id": delivery_id, "status": "cancelled"}
