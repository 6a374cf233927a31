"""``/api/v1/posts``: write, edit, review, approve and publish posts; their audit trail."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Path, Request, Response

from connectors import registry
from connectors.errors import NotFound, ValidationError
from orchestrator.domain.states import PostStatus
from orchestrator.domain.windows import parse_duration
from orchestrator.editorial import editing, idempotency, listing, publishing, views, workflow
from orchestrator.editorial import media as post_media
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.paging import Page, page, paged
from orchestrator.web.problems import PreconditionRequired, responses
from orchestrator.web.schemas import (
    AuditEvent,
    Name,
    Options,
    PostAction,
    PostDetail,
    PostIn,
    PostPatch,
    PostSummary,
    PublishNowIn,
    RejectIn,
    Variant,
    line,
)
from orchestrator.web.sending import relay_after
from schedules import approval, planning
from schedules.timeparse import parse_time

router = APIRouter(prefix="/api/v1/posts", tags=["posts"])
PostId = Path(ge=1, le=2**31 - 1, description="the post's id")
READ = responses(401, 404, 429, 503)
WRITE = responses(401, 403, 404, 409, 422, 429, 503)


@router.get("", response_model=list[PostSummary], responses={**READ, **paged("posts")})
def list_posts(request: Request, response: Response, ctx: Context = Depends(acting),
               status: PostStatus | None = None, pillar: line(100) | None = None,
               channel: Name | None = None, author: Name | None = None,
               paging: Page = Depends(page)) -> list[dict]:
    """Posts matching every filter given, newest first."""
    found = listing.posts(ctx, status=status, pillar=pillar, channel=channel, author=author,
                          limit=paging.ask, offset=paging.offset)
    return paging.cut(found, request, response)


@router.post("", status_code=201, response_model=PostDetail,
             responses={**WRITE, 201: {"headers": {"ETag": {"schema": {"type": "string"}}}}})
def create_post(body: PostIn, response: Response, ctx: Context = Depends(acting),
                idempotency_key: str | None = Header(
                    None, max_length=idempotency.KEY_MAX,
                    description="the same key and body give back the same post; the same "
                                "key with another body is refused (409)")) -> dict:
    """Write a draft; the answer is the post as `GET /api/v1/posts/{id}` shows it."""
    if idempotency_key is None:
        post_id = _create(ctx, body)
    else:
        fingerprint = hashlib.sha256(json.dumps(body.model_dump(mode="json"),
                                                sort_keys=True).encode()).hexdigest()
        post_id, replayed = idempotency.create_once(ctx, idempotency_key, fingerprint,
                                                    lambda: _create(ctx, body))
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
    return _shown(ctx, post_id, response)


@router.get("/{post_id}", response_model=PostDetail,
            responses={**READ, 200: {"headers": {"ETag": {"schema": {"type": "string"}}}}})
def show_post(response: Response, post_id: int = PostId,
              ctx: Context = Depends(acting)) -> dict:
    """A post with its deliveries, attempts, audit trail and version (`etag`)."""
    return _shown(ctx, post_id, response)


@router.patch("/{post_id}", response_model=PostDetail, responses=responses(
    401, 403, 404, 409, 412, 422, 428, 429, 503))
def edit_post(body: PostPatch, response: Response, post_id: int = PostId,
              ctx: Context = Depends(acting),
              if_match: str | None = Header(None, max_length=200, description=(
                  "the post's ETag as read: an edit of a version since changed is refused "
                  "(412)"))) -> dict:
    """Edit a draft, a post under review, an approved or a rejected post: a change makes it
    a draft again (an approved post's deliveries not yet sent are withdrawn; submit and
    approve it anew); an edit that changes nothing leaves it as it is."""
    if if_match is None:
        raise PreconditionRequired("an edit needs If-Match with the post's ETag "
                                   "(from GET /api/v1/posts/{id})")
    given = body.model_fields_set
    changes: dict = {k: getattr(body, k) for k in ("title", "text", "pillar", "channels")
                     if k in given and getattr(body, k) is not None}
    if "at" in given:
        changes["at"] = _at(ctx, body.at)
    if "variants" in given:
        changes["variants"] = (dict.fromkeys(registry.names()) if body.variants is None
                               else {p: None if v is None else _variants({p: v})[p]
                                     for p, v in body.variants.items()})
    if "options" in given:
        changes["options"] = _options(body.options)
    if "media" in given:
        changes["media"] = post_media.attachments(ctx, [(m.id, m.alt)
                                                        for m in body.media or []])
    editing.edit_post(ctx, post_id, version=if_match.strip().removeprefix("W/").strip('"'),
                      **changes)
    return _shown(ctx, post_id, response)


def _action(name: str, summary: str):
    def run(post_id: int, ctx: Context, tasks: BackgroundTasks,
            body: RejectIn | PublishNowIn | None) -> dict:
        if name == "reject":
            warnings = workflow.reject(ctx, post_id, body.reason if body else "")
        elif name == "publish-now":
            override = body.override_embargo if body else None
            warnings = publishing.publish_now(ctx, post_id, override_embargo=override)
            relay_after(tasks, ctx)
        else:  # a series' occurrence submits or approves its series (schedules.approval)
            warnings = {"submit": approval.submit, "approve": approval.approve,
                        "cancel": workflow.cancel}[name](ctx, post_id)
        shown = views.show_post(ctx, post_id)
        return {"id": post_id, "status": shown["status"],
                "warnings": [str(w) for w in warnings] if isinstance(warnings, list) else []}

    if name == "reject":
        def endpoint(tasks: BackgroundTasks, post_id: int = PostId,
                     ctx: Context = Depends(acting), body: RejectIn | None = None) -> dict:
            return run(post_id, ctx, tasks, body)
    elif name == "publish-now":
        def endpoint(tasks: BackgroundTasks, post_id: int = PostId,
                     ctx: Context = Depends(acting), body: PublishNowIn | None = None) -> dict:
            return run(post_id, ctx, tasks, body)
    else:
        def endpoint(tasks: BackgroundTasks, post_id: int = PostId,
                     ctx: Context = Depends(acting)) -> dict:
            return run(post_id, ctx, tasks, None)
    endpoint.__name__ = f"{name.replace('-', '_')}_post"
    endpoint.__doc__ = summary
    router.add_api_route(f"/{{post_id}}/{name}", endpoint, methods=["POST"],
                         response_model=PostAction, responses=WRITE)


for _name, _summary in (
        ("submit", "Send a draft to review (an occurrence of a series sends the series); "
                   "refused while a target channel would refuse it."),
        ("approve", "Approve a post under review (not its author: four eyes); an occurrence "
                    "of a series approves the series. `warnings` says when the week's "
                    "pillar mix moves away from its targets."),
        ("reject", "Reject a post under review, with a reason."),
        ("cancel", "Cancel a post and its deliveries not yet sent."),
        ("publish-now", "Publish an approved post now, whatever its scheduled time; during "
                        "an embargo only an admin may, giving `override_embargo` (the "
                        "reason, audited).")):
    _action(_name, _summary)


@router.get("/{post_id}/audit", response_model=list[AuditEvent], responses=READ)
def post_audit(post_id: int = PostId, ctx: Context = Depends(acting)) -> list[dict]:
    """Who did what to the post, when, and from where (token id, client address)."""
    return listing.post_audit(ctx, post_id)


def _create(ctx: Context, body: PostIn) -> int:
    media = post_media.attachments(ctx, [(m.id, m.alt) for m in body.media or []])
    missed_after = parse_duration(body.missed_after) if body.missed_after else None
    try:
        return planning.create(ctx, title=body.title, text=body.text, pillar=body.pillar,
                               channels=body.channels, at=_at(ctx, body.at),
                               queue=body.queue, repeat=body.repeat, missed_after=missed_after,
                               variants=_variants(body.variants), media=media,
                               options=_options(body.options)).post_id
    except NotFound as missing:
        raise ValidationError(str(missing), [("channels", str(missing))]) from None


def _shown(ctx: Context, post_id: int, response: Response) -> dict:
    shown = views.show_post(ctx, post_id)
    response.headers["ETag"] = f'"{shown["etag"]}"'
    return shown


def _at(ctx: Context, at: str | None):
    return parse_time(at, ctx.settings.timezone) if at else None


def _variants(given: dict | None) -> dict[str, dict[str, str]]:
    return {platform: ({"text": v} if isinstance(v, str) else _set(v))
            for platform, v in (given or {}).items()}


def _options(given: Options | None) -> dict:
    return _set(given) if given else {}


def _set(model: Variant | Options) -> dict:
    return model.model_dump(exclude_none=True)

