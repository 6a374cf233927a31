"""Stored media shown in the console (a post's images beside their alt text, an upload
beside its alt-text field), to signed-in users only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse

from orchestrator.editorial import media as post_media
from orchestrator.web.console import render
from orchestrator.web.console.session import Visitor, signed_in

router = APIRouter(include_in_schema=False)
Digest = Path(pattern="^[0-9a-f]{64}$")
#: A stored file never changes (its name is its content's digest): browsers keep it.
KEPT = "private, max-age=86400, immutable"


@router.get("/media/{digest}")
def stored_media(digest: str = Digest, who: Visitor = Depends(signed_in)) -> FileResponse:
    path, mime = post_media.stored_file(who.ctx, digest)
    response = FileResponse(path, media_type=mime, content_disposition_type="inline")
    render.secure(response)
    response.headers["Cache-Control"] = KEPT
    return response
