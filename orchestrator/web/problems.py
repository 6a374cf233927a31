"""Every error the API returns, as RFC 9457 ``application/problem+json``.

A problem has ``type`` (a URN naming the kind), ``title``, ``status``, ``detail`` and the
request path as ``instance``; a validation problem lists each broken rule in ``errors`` as
``{"field", "detail"}``. Siaran's error taxonomy maps onto statuses here, once; the console
answers the same errors on its own pages with the same statuses.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors.errors import (
    AccessDenied,
    AlreadyExists,
    ConfigError,
    InvalidTransition,
    NotAuthenticated,
    NotFound,
    SiaranError,
    ValidationError,
)
from orchestrator.editorial.editing import StaleVersion
from orchestrator.editorial.idempotency import KeyReused

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("siaran.web")


class FieldProblem(BaseModel):
    field: str
    detail: str


class Problem(BaseModel):
    """An error (RFC 9457)."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


class ApiClosed(SiaranError):
    """No admin user exists yet: the API refuses every request."""


class Throttled(SiaranError):
    """Too many failed authentications from one address or for one user."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PreconditionRequired(SiaranError):
    """An edit without ``If-Match``."""


#: (exception class, status, slug, title), most specific first.
KINDS: list[tuple[type[Exception], int, str, str]] = [
    (NotAuthenticated, 401, "not-authenticated", "Not authenticated"),
    (AccessDenied, 403, "forbidden", "Not allowed"),
    (NotFound, 404, "not-found", "Not found"),
    (AlreadyExists, 409, "already-exists", "Already exists"),
    (InvalidTransition, 409, "invalid-transition", "Not possible in this state"),
    (KeyReused, 409, "idempotency-key-reused", "Idempotency key reused"),
    (StaleVersion, 412, "stale-version", "Changed since it was read"),
    (PreconditionRequired, 428, "precondition-required", "If-Match required"),
    (ValidationError, 422, "validation", "Invalid content"),
    (ConfigError, 422, "invalid-settings", "Invalid settings"),
    (Throttled, 429, "too-many-failures", "Too many failed authentications"),
    (ApiClosed, 503, "api-closed", "No admin user yet"),
    (SiaranError, 400, "bad-request", "Bad request"),
]
HTTP_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed",
               413: "Request body too large", 415: "Unsupported media type",
               422: "Invalid request"}


def problem_type(slug: str) -> str:
    return f"urn:siaran:problem:{slug}"


def problem(status: int, slug: str, title: str, detail: str, instance: str | None = None,
            errors: list[tuple[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict = {"type": problem_type(slug), "title": title, "status": status,
                  "detail": detail}
    if instance is not None:
        body["instance"] = instance
    if errors:
        body["errors"] = [{"field": f, "detail": d} for f, d in errors]
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def kind_of(error: Exception) -> tuple[int, str, str]:
    """(status, slug, title) of one of Siaran's errors."""
    return next((s, g, t) for k, s, g, t in KINDS if isinstance(error, k))


def for_error(error: Exception, instance: str | None) -> JSONResponse:
    status, slug, title = kind_of(error)
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="siaran"'}
    elif isinstance(error, Throttled):
        headers = {"Retry-After": str(max(1, round(error.retry_after)))}
    problems = getattr(error, "problems", None) or None
    return problem(status, slug, title, str(error), instance, problems, headers)


#: Answers an error as a page, or None to leave it to problem+json (see ``console.install``).
PageAnswer = Callable[[Request, Exception, int, str], Awaitable[Response | None]]


def install(app: FastAPI, page: PageAnswer | None = None) -> None:
    """Answer every error as problem+json, or as a page where ``page`` takes it."""

    async def as_page(request: Request, error: Exception, status: int, title: str):
        return None if page is None else await page(request, error, status, title)

    @app.exception_handler(SiaranError)
    async def _siaran(request: Request, error: SiaranError) -> Response:
        status, _, title = kind_of(error)
        return (await as_page(request, error, status, title)
                or for_error(error, request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        shown = await as_page(request, error, 422, "Invalid request")
        if shown is not None:
            return shown
        errors = [(_field(e.get("loc", ())), str(e.get("msg", "invalid")))
                  for e in error.errors()]
        detail = "; ".join(f"{f}: {d}" for f, d in errors) or "the request is not valid"
        return problem(422, "request-validation", "Invalid request", detail,
                       request.url.path, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        title = HTTP_TITLES.get(error.status_code, "Error")
        shown = await as_page(request, error, error.status_code, title)
        if shown is not None:
            return shown
        detail = error.detail if isinstance(error.detail, str) else title
        return problem(error.status_code, f"http-{error.status_code}", title, detail,
                       request.url.path, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        shown = await as_page(request, error, 500, "Internal error")
        if shown is not None:
            return shown
        return problem(500, "internal", "Internal error",
                       "the server failed to answer; the error is in its log",
                       request.url.path)


def _field(loc) -> str:
    return "/".join(str(part) for part in loc)


def responses(*statuses: int) -> dict:
    """The OpenAPI ``responses`` entries of these error statuses."""
    return {s: {"model": Problem, "description": HTTP_TITLES.get(s) or _title(s)}
            for s in statuses}


def document(spec: dict) -> dict:
    """Error responses are served as problem+json: say so in the OpenAPI document (also for
    the request validation FastAPI adds to every operation with parameters)."""
    problem = {"$ref": "#/components/schemas/Problem"}
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
                    if status == "422":
                        response["description"] = "Invalid request or content"
                        content[MEDIA_TYPE] = {"schema": problem}
    schemas = spec.get("components", {}).get("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.setdefault("Problem", Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"))
    schemas.setdefault("FieldProblem", FieldProblem.model_json_schema())
    return spec


def _title(status: int) -> str:
    return next((t for _, s, _, t in KINDS if s == status), "Error")
