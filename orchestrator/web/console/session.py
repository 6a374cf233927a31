"""Who is looking at the console: the session cookie, the language, the CSRF token.

A console session is an API token issued at sign-in (kept only as a hash, listed with the
other tokens, revoked at sign-out, expiring after ``SIARAN_WEB_SESSION_DAYS``), carried in
an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` with ``SIARAN_WEB_COOKIE_SECURE=1``).
Every state-changing request carries a CSRF token derived from the session (a form field
``csrf`` or the ``X-CSRF-Token`` header htmx sends), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request

from connectors.errors import AccessDenied, NotAuthenticated, SiaranError
from orchestrator.access import tokens
from orchestrator.domain.actor import Actor
from orchestrator.runtime.context import Context
from orchestrator.web.auth import client_address, gate_of
from orchestrator.web.console import i18n

COOKIE = "siaran_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(SiaranError):
    """The page needs a signed-in user; the console sends the browser to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


class CsrfRefused(AccessDenied):
    """A state-changing request without this session's CSRF token."""


@dataclass(frozen=True)
class Visitor:
    """The request's language and formats, and its user when signed in."""

    lang: str
    formats: i18n.Formats
    #: Acting as the signed-in user, from the client's address; None: not signed in.
    ctx: Context | None = None
    roles: frozenset[str] = frozenset()
    csrf: str = ""

    @property
    def name(self) -> str:
        return str(self.ctx.user) if self.ctx else ""

    def can(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles`` (admins hold every one); for showing
        controls only — the service layer decides."""
        return bool(self.roles & {*roles, "admin"})


def csrf_of(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"siaran-console-csrf", hashlib.sha256).hexdigest()


def visitor(request: Request) -> Visitor:
    """The visitor, signed in or not (an expired or revoked session counts as not)."""
    gate = gate_of(request)
    lang = i18n.choose(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    formats = i18n.Formats(lang, gate.ctx.settings.timezone)
    token = request.cookies.get(COOKIE)
    if not token:
        return Visitor(lang, formats)
    try:
        principal = tokens.authenticate(gate.ctx, token)
    except NotAuthenticated:
        return Visitor(lang, formats)
    ctx = gate.ctx.acting_as(Actor(principal.name, token_id=principal.token_id,
                                   origin=client_address(request)))
    return Visitor(lang, formats, ctx, principal.roles, csrf_of(token))


def signed_in(request: Request) -> Visitor:
    """The signed-in visitor; else the browser goes to the sign-in page and back."""
    gate_of(request).require_admin()
    found = visitor(request)
    if found.ctx is None:
        raise SignInRequired(asked(request))
    return found


async def writing(request: Request) -> Visitor:
    """The signed-in visitor of a state-changing request, its CSRF token checked."""
    found = signed_in(request)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        given = (await request.form()).get(CSRF_FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given, found.csrf):
        raise CsrfRefused("the form has expired or did not come from this console; "
                          "reload the page and try again")
    return found


def asked(request: Request) -> str:
    """The path and query the browser asked for."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def sign_in_target(next_path: str) -> str:
    """The sign-in page, returning to ``next_path`` (a path on this site only)."""
    return "/signin?next=" + quote(safe_next(next_path), safe="/")


def safe_next(next_path: str | None) -> str:
    """A path on this site to return to after sign-in; the calendar otherwise."""
    if (not next_path or not next_path.startswith("/") or next_path.startswith("//")
            or "\\" in next_path or next_path.startswith("/signin")):
        return "/calendar"
    return next_path
