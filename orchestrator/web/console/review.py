"""The review queue: ``/review`` lists the posts waiting for an approver, the longest
waiting first, with what changed since their last review; approve or reject (with a
reason) through the service layer (``schedules.approval.approve``,
``editorial.workflow.reject``), which keeps the four-eyes rule: the page only leaves the
Approve button off a post the visitor wrote, the service refuses it anyway.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from orchestrator.editorial import review, workflow
from orchestrator.web.console import render
from orchestrator.web.console.preview import PLATFORM_NAMES
from orchestrator.web.console.session import Visitor, signed_in, writing
from schedules import approval

router = APIRouter(include_in_schema=False)
PostId = Path(ge=1, le=2**31 - 1)
NOTICES = ("submitted", "approved", "rejected")


@router.get("/review")
def queue(request: Request, who: Visitor = Depends(signed_in)) -> Response:
    waiting = review.queue(who.ctx)
    notice = next(((k, request.query_params[k]) for k in NOTICES
                   if request.query_params.get(k, "").isdigit()), None)
    return render.page(request, who, "review.html", waiting=waiting, notice=notice,
                       platform_names=PLATFORM_NAMES)


@router.post("/review/{post_id}/approve")
async def approve(post_id: int = PostId, who: Visitor = Depends(writing)) -> Response:
    await run_in_threadpool(approval.approve, who.ctx, post_id)
    return RedirectResponse(f"/review?approved={post_id}", status_code=303)


@router.post("/review/{post_id}/reject")
async def reject(post_id: int = PostId, reason: str = Form(""),
                 who: Visitor = Depends(writing)) -> Response:
    await run_in_threadpool(workflow.reject, who.ctx, post_id, reason)
    return RedirectResponse(f"/review?rejected={post_id}", status_code=303)
