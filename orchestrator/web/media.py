"""``/api/v1/media``: upload an image or video into the content-addressed store.

The multipart body is read only after the token has been checked, so an unauthenticated
client cannot make the server take in a large upload.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from connectors.errors import ValidationError
from orchestrator.editorial import media
from orchestrator.runtime.context import Context
from orchestrator.web.auth import acting
from orchestrator.web.problems import responses
from orchestrator.web.schemas import StoredMedia

router = APIRouter(prefix="/api/v1", tags=["media"])
PATH = "/api/v1/media"
FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "JPEG, PNG, GIF, WebP or MP4"}}}}}}}


@router.post("/media", status_code=201, response_model=StoredMedia, openapi_extra=FORM,
             responses=responses(401, 403, 411, 413, 422, 429, 503))
async def upload(request: Request, ctx: Context = Depends(acting)) -> dict:
    """Store a file once, by its content; its `id` is what a post's `media` refers to."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ValidationError("send the file as multipart/form-data in the field `file`",
                              [("file", "missing")])
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as error:  # noqa: BLE001 - a malformed multipart body
        raise ValidationError(f"cannot read the multipart body: {error}",
                              [("file", "unreadable")]) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationError("the multipart field `file` holds no file",
                                  [("file", "missing")])
        return await run_in_threadpool(media.upload, ctx, upload.file, upload.filename or "")
    finally:
        await form.close()
