"""Pages rendered from the templates, in the request's language.

One Jinja2 environment per language, with its gettext catalogue installed (``_()``,
``{% trans %}``); every page gets the user, the CSRF token, the language, the locale
formats and ``say`` (a service message in the page's language, see ``wording``). A page
whose request carried ``?lang=`` sets the language cookie so the choice sticks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from orchestrator.web.console import i18n, pillar_names, wording
from orchestrator.web.console.session import Visitor

TEMPLATES = Path(__file__).parent / "templates"
#: A year: the language choice sticks.
LANG_COOKIE_AGE = 365 * 86400
#: Scripts, styles and images only from this app; no inline script, no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@cache
def environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    return env


def gettext_for(lang: str):
    """``_`` for Python code building strings shown on a page."""
    return i18n.translations(lang).gettext


def speaker(lang: str):
    """``say`` for ``lang``: a service message (a Said) in that language."""
    _ = gettext_for(lang)
    return lambda text: wording.say(text, _, lang)


def page(request: Request, visitor: Visitor, template: str, status: int = 200,
         headers: dict[str, str] | None = None, **values) -> HTMLResponse:
    """``template`` rendered for this visitor, with the security headers every page has."""
    html = environment(visitor.lang).get_template(template).render(
        request=request, visitor=visitor, fmt=visitor.formats, lang=visitor.lang,
        languages=i18n.NAMES, csrf=visitor.csrf, path=request.url.path,
        switch=language_links(request), say=speaker(visitor.lang),
        pillar_name=pillar_names.namer(visitor.ctx, visitor.lang), **values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    secure(response)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, visitor.lang, max_age=LANG_COOKIE_AGE,
                            samesite="lax", httponly=True)
    return response


def language_links(request: Request) -> dict[str, str]:
    """This page in each language (``?lang=`` added to its own query)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {code: request.url.path + "?" + urlencode([*kept, ("lang", code)])
            for code in i18n.LANGUAGES}


def secure(response) -> None:
    """The console's security headers."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
