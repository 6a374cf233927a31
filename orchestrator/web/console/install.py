"""Mounting the console on the app: its pages, its static files, its error pages.

Errors on console pages are answered as pages with the API's statuses (one mapping, in
``web.problems``): a missing session sends the browser to the sign-in page; everything under
``/api/`` keeps answering problem+json.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from connectors.errors import SiaranError
from orchestrator.web.console import (
    calendar,
    channels,
    compose,
    desk,
    media,
    post_page,
    render,
    reports,
    review,
    signin,
    users,
    wording,
)
from orchestrator.web.console.session import SignInRequired, asked, sign_in_target, visitor

STATIC = Path(__file__).parent / "static"
#: Page modules, each with a ``router``; the page groups add themselves here.
PAGES = [signin, calendar, compose, media, review, post_page, desk, channels, users,
         reports]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Marks a string for the catalogue where it is translated later."""
    return message


#: The error titles of ``web.problems``, translated when shown on a page.
ERROR_TITLES = [N_("Not authenticated"), N_("Not allowed"), N_("Not found"),
                N_("Already exists"), N_("Not possible in this state"),
                N_("Idempotency key reused"), N_("Changed since it was read"),
                N_("If-Match required"), N_("Invalid content"), N_("Invalid settings"),
                N_("Too many failed authentications"), N_("No admin user yet"),
                N_("Bad request"), N_("Method not allowed"), N_("Request body too large"),
                N_("Unsupported media type"), N_("Invalid request"), N_("Error"),
                N_("Internal error")]
#: Paths that are never console pages.
NOT_PAGES = ("/api/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/static/")


def install(app: FastAPI) -> None:
    """Add the console's routes and static files to ``app``."""
    for module in PAGES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


async def error_page(request: Request, error: Exception, status: int,
                     title: str) -> Response | None:
    """A console request's error as a page (None: not a console request)."""
    if not is_page(request):
        return None
    if isinstance(error, SignInRequired):
        return RedirectResponse(sign_in_target(error.next_path), status_code=303)
    who = visitor(request)
    if status == 404 and who.ctx is None:
        # an address the console does not know is not told to a stranger: sign in first
        return RedirectResponse(sign_in_target(asked(request)), status_code=303)
    _ = render.gettext_for(who.lang)
    if isinstance(error, SiaranError):
        detail = wording.explain(error, _, who.lang)
    elif isinstance(error, RequestValidationError):
        detail = _("The address or the form has a value the console cannot read.")
    elif status == 404:
        detail = _("There is no page at this address.")
    elif status >= 500:
        detail = _("The server failed to answer; the error is in its log.")
    else:
        detail = title
    if request.headers.get("HX-Request"):
        # an htmx request: the message goes where the control's answer would have gone
        return render.page(request, who, "partials/error.html", status=status,
                           headers={"HX-Reswap": "innerHTML"}, title=_(title),
                           detail=detail)
    return render.page(request, who, "error.html", status=status, title=_(title),
                       detail=detail)
