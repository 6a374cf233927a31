"""Request bodies are size-limited: ``413`` before the app reads a byte of a body over the
limit. A body must declare its length (the server reads no more than that); a chunked body
without one is refused with ``411``.

Media uploads (``POST /api/v1/media``) may be larger than JSON bodies; both limits are
settings (``SIARAN_WEB_MAX_BODY``, ``SIARAN_WEB_MAX_UPLOAD``).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from orchestrator.web.problems import MEDIA_TYPE, problem_type


class BodyLimit:
    """ASGI middleware: refuse bodies over the limit, or of no declared length."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int,
                 upload_paths: tuple[str, ...]) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = self.max_upload if scope["path"] in self.upload_paths else self.max_body
            headers = dict(scope["headers"])
            declared = headers.get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                await _refuse(scope, send, 413, "too-large", "Request body too large",
                              f"the request body may hold at most {limit} bytes")
                return
            if declared is None and b"transfer-encoding" in headers:
                await _refuse(scope, send, 411, "length-required", "Length required",
                              "a request body must declare its length (Content-Length)")
                return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, status: int, slug: str, title: str,
                  detail: str) -> None:
    body = json.dumps({"type": problem_type(slug), "title": title, "status": status,
                       "detail": detail, "instance": scope["path"]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", MEDIA_TYPE.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
