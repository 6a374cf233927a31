"""The app factory: the JSON API under ``/api/v1``, its OpenAPI document and docs, health,
and the web console (``web.console``) on the same accounts and service layer.

``create_app(settings)`` opens Siaran's context once; each request then acts through its
own copy of it (``auth.acting``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from orchestrator.runtime import config
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import Context, open_context
from orchestrator.runtime.logging import configure
from orchestrator.web import (
    accounts,
    audit,
    calendar,
    channels,
    deliveries,
    docs,
    embargo,
    health,
    media,
    pillars,
    posts,
    problems,
    reports,
    series,
    slots,
)
from orchestrator.web.auth import Gate
from orchestrator.web.console import install as console
from orchestrator.web.limits import BodyLimit

VERSION = "1"
DESCRIPTION = """Siaran's HTTP API: write, review, approve and publish posts to the office's
channels; watch deliveries and retry, resolve or cancel them.

Every request under `/api/v1` carries `Authorization: Bearer <token>` (`siaran token create
--user NAME --json`, or `POST /api/v1/auth/token` with a password). Errors are
`application/problem+json` (RFC 9457). Lists are pages: `limit` and `offset`, and a
`Link: <…>; rel="next"` header while more follow."""


def create_app(settings: Settings | None = None, *, ctx: Context | None = None) -> FastAPI:
    """The app on the given settings (or an open context)."""
    ctx = ctx or open_context(settings)
    web = ctx.settings.web

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.db.dispose()

    app = _app(lifespan)
    app.state.gate = Gate(ctx)
    problems.install(app, console.error_page)
    docs.install(app)
    console.install(app)
    app.add_middleware(BodyLimit, max_body=web.max_body, max_upload=web.max_upload,
                       upload_paths=(media.PATH,))
    if web.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(web.cors_origins),
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "Link", "Idempotent-Replayed", "Retry-After"])
    return app


def openapi_document() -> dict:
    """The OpenAPI document, built from the code alone (no database needed)."""
    return _app(None).openapi()


def _app(lifespan) -> FastAPI:
    app = FastAPI(title="Siaran API", version=VERSION, description=DESCRIPTION,
                  openapi_url=docs.OPENAPI_URL, docs_url=None, redoc_url=None,
                  lifespan=lifespan)
    for module in (posts, calendar, pillars, series, embargo, deliveries, channels, slots,
                   media, accounts, audit, reports, health):
        app.include_router(module.router)

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = problems.document(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi
    return app


def from_environment() -> FastAPI:
    """The app on the ``SIARAN_*`` environment: what ``siaran web`` has uvicorn serve."""
    settings = config.load()
    configure(settings.log_format)
    return create_app(settings)
