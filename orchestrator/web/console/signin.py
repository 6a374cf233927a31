"""Signing in and out of the console.

Sign-in checks the password through the same throttled path as the API's password sign-in
(``web.auth.sign_in_by_password``) and starts a session; sign-out revokes it. A sign-in form
is refused when the browser says it was posted from another site (``Origin``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from connectors.errors import NotAuthenticated
from orchestrator.access import tokens
from orchestrator.domain.actor import Actor
from orchestrator.web.auth import client_address, gate_of, sign_in_by_password
from orchestrator.web.console import render
from orchestrator.web.console.session import (
    COOKIE,
    CsrfRefused,
    Visitor,
    safe_next,
    visitor,
    writing,
)
from orchestrator.web.problems import Throttled

router = APIRouter(include_in_schema=False)
SESSION_LABEL = "console"


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/calendar", status_code=303)


@router.get("/signin")
def sign_in_form(request: Request, next: str = "/calendar") -> Response:  # noqa: A002
    gate_of(request).require_admin()
    who = visitor(request)
    if who.ctx is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render.page(request, who, "signin.html", next=safe_next(next), error=None,
                       username="")


@router.post("/signin")
def sign_in(request: Request, username: str = Form(""), password: str = Form(""),
            next: str = Form("/calendar")) -> Response:  # noqa: A002
    gate = gate_of(request)
    gate.require_admin()
    _same_site(request)
    who = visitor(request)
    _ = render.gettext_for(who.lang)
    anonymous = gate.ctx.acting_as(Actor("anonymous", origin=client_address(request)))
    try:
        principal = sign_in_by_password(request, anonymous, username.strip(), password)
    except NotAuthenticated:
        return render.page(request, who, "signin.html", status=401, next=safe_next(next),
                           username=username,
                           error=_("Unknown user name or wrong password."))
    except Throttled as refused:
        return render.page(request, who, "signin.html", status=429, next=safe_next(next),
                           username=username,
                           error=_("Too many failed sign-ins. Try again in {seconds} s.")
                           .format(seconds=max(1, round(refused.retry_after))))
    me = gate.ctx.acting_as(Actor(principal.name, origin=client_address(request)))
    days = gate.ctx.settings.web.session_days
    issued = tokens.sign_in_token(me, principal, label=SESSION_LABEL, expires_days=days)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE, issued["token"], max_age=days * 86400, httponly=True,
                        samesite="lax", secure=gate.ctx.settings.web.cookie_secure, path="/")
    return response


@router.post("/signout")
def sign_out(who: Visitor = Depends(writing)) -> Response:
    tokens.revoke_token(who.ctx, who.ctx.user.token_id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _same_site(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != _own_origin(request):
        raise CsrfRefused("the sign-in form was sent from another site")


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"
