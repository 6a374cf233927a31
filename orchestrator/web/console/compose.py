"""Writing and editing posts: ``/posts/new`` and ``/posts/{id}/edit``.

The form saves a draft or submits it for review through the service layer the CLI and the
API use (``schedules.planning.create``, ``editorial.editing.edit_post`` with the version
the form was read at, ``schedules.approval.submit``): the same edit rule holds here (an
approved post that is changed goes back to draft; an unchanged save changes nothing).
While the writer types, htmx asks ``/posts/preview`` for each channel's rendering and
counts, computed on the server by the same validation that submitting applies
(``editorial.drafts.check_draft``). Media go into the same store as the API's uploads
(``editorial.media.upload``).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from connectors.errors import ValidationError
from orchestrator.channels.views import list_channels
from orchestrator.editorial import drafts, editing, views
from orchestrator.editorial import media as post_media
from orchestrator.web.console import render
from orchestrator.web.console.draft_form import Attached, Draft, from_form, from_post
from orchestrator.web.console.preview import PLATFORM_NAMES, announcement, preview_values
from orchestrator.web.console.session import Visitor, signed_in, writing
from schedules import approval, planning
from schedules.pillars import list_pillars

router = APIRouter(include_in_schema=False)
PostId = Path(ge=1, le=2**31 - 1)


@router.get("/posts/new")
def new_post(request: Request, who: Visitor = Depends(signed_in)) -> Response:
    return _form(request, who, Draft(), post=None)


@router.get("/posts/{post_id}/edit")
def edit_form(request: Request, post_id: int = PostId,
              who: Visitor = Depends(signed_in)) -> Response:
    shown = views.show_post(who.ctx, post_id)
    saved = request.query_params.get("saved") == "1"
    return _form(request, who, from_post(shown, who.formats.zone), post=shown, saved=saved)


@router.post("/posts/new")
async def create(request: Request, who: Visitor = Depends(writing)) -> Response:
    form = await request.form()
    return await run_in_threadpool(_save, request, who, from_form(form, _platforms(who)),
                                   None, form.get("action") == "submit")


@router.post("/posts/{post_id}/edit")
async def edit(request: Request, post_id: int = PostId,
               who: Visitor = Depends(writing)) -> Response:
    form = await request.form()
    return await run_in_threadpool(_save, request, who, from_form(form, _platforms(who)),
                                   post_id, form.get("action") == "submit")


@router.post("/posts/preview")
async def preview(request: Request, who: Visitor = Depends(writing)) -> Response:
    form = await request.form()
    draft = from_form(form, _platforms(who))
    checks = await run_in_threadpool(
        drafts.check_draft, who.ctx, title=draft.title, text=draft.text, pillar=draft.pillar,
        channels=draft.channels, variants=draft.variant_fields(), media=draft.media_pairs(),
        media_names=draft.media_names())
    values = preview_values(checks)
    said = announcement(render.gettext_for(who.lang), values)
    before = form.get("announced")
    return render.page(request, who, "partials/preview.html", checks=values,
                       platform_names=PLATFORM_NAMES,
                       announce=said if said != before else None)


@router.post("/posts/media")
async def upload(request: Request, who: Visitor = Depends(writing)) -> Response:
    form = await request.form(max_files=1)
    given = form.get("upload")
    _ = render.gettext_for(who.lang)
    if not isinstance(given, UploadFile) or not given.filename:
        return _upload_error(request, who, _("Choose a file to upload."))
    try:
        stored = await run_in_threadpool(post_media.upload, who.ctx, given.file,
                                         given.filename)
    except ValidationError as refused:
        return _upload_error(request, who, refused.said)
    finally:
        await form.close()
    item = Attached(stored["id"], given.filename, "", stored["mime"])
    return render.page(request, who, "partials/media_item.html", item=item,
                       headers={"HX-Trigger-After-Swap": "siaran-media"})


def _upload_error(request: Request, who: Visitor, message: str) -> Response:
    return render.page(request, who, "partials/upload_error.html", status=200,
                       headers={"HX-Retarget": "#upload-error", "HX-Reswap": "innerHTML"},
                       message=message)


def _save(request: Request, who: Visitor, draft: Draft, post_id: int | None,
          submitting: bool) -> Response:
    """Create or edit, then submit when asked; a refusal shows the form again with it."""
    ctx = who.ctx
    try:
        media = post_media.attachments(ctx, draft.media_pairs(), draft.media_names())
        at = draft.when(ctx.settings.timezone)
        if post_id is None:
            post_id = planning.create(ctx, title=draft.title, text=draft.text,
                                      pillar=draft.pillar, channels=draft.channels, at=at,
                                      variants=draft.variant_fields(), media=media,
                                      options=draft.options({})).post_id
        else:
            editing.edit_post(ctx, post_id, version=draft.version or None, title=draft.title,
                              text=draft.text, pillar=draft.pillar, channels=draft.channels,
                              at=_time_given(ctx, post_id, draft, at),
                              variants=draft.variant_changes(_platforms(who)), media=media,
                              options=draft.options(views.show_post(ctx, post_id)["options"]))
    except ValidationError as refused:
        shown = views.show_post(ctx, post_id) if post_id is not None else None
        return _form(request, who, draft, post=shown, refused=refused, status=422)
    if not submitting:
        return RedirectResponse(f"/posts/{post_id}/edit?saved=1", status_code=303)
    try:
        approval.submit(ctx, post_id)
    except ValidationError as refused:
        shown = views.show_post(ctx, post_id)
        saved = from_post(shown, ctx.settings.timezone)
        return _form(request, who, saved, post=shown, refused=refused, status=422, saved=True)
    return RedirectResponse(f"/review?submitted={post_id}", status_code=303)


def _time_given(ctx, post_id: int, draft: Draft, at: datetime | None) -> object:
    """The form's time, or UNCHANGED when it is the post's own as the form shows it (to the
    minute): an untouched field does not move a time that has seconds."""
    shown = from_post(views.show_post(ctx, post_id), ctx.settings.timezone)
    same = (draft.timing, draft.at.strip()) == (shown.timing, shown.at)
    return editing.UNCHANGED if same or (draft.timing == shown.timing == "approved") else at


def _form(request: Request, who: Visitor, draft: Draft, *, post: dict | None,
          refused: ValidationError | None = None, status: int = 200,
          saved: bool = False) -> Response:
    channels = list_channels(who.ctx)
    platforms = sorted({c.platform for c in channels})
    return render.page(request, who, "compose.html", status=status, draft=draft, post=post,
                       channels=channels, platforms=platforms, pillars=list_pillars(who.ctx),
                       refused=refused, saved=saved, zone=who.formats.zone_name(),
                       platform_names=PLATFORM_NAMES)


def _platforms(who: Visitor) -> list[str]:
    return sorted({c.platform for c in list_channels(who.ctx)})
