"""The Graph API (Facebook Pages) as the sandbox speaks it.

Paths are versioned, ``/vNN.N/…``. Endpoints: ``POST /{page-id}/feed`` (``message``,
``link``) → ``{"id":"{page}_{post}"}``; ``GET /{page-id}/feed`` (also ``/posts``,
``/published_posts``) with ``fields``, ``since``, ``until``, ``limit``, ``after`` →
``{"data":[…],"paging":{…}}``; ``GET /{page-id}``; ``GET /{post-id}``.
The token comes from ``access_token`` (query or form) or ``Authorization: Bearer``.

Errors use Graph's envelope ``{"error":{"message","type","code","error_subcode",
"is_transient","fbtrace_id"}}`` (https://developers.facebook.com/docs/graph-api/guides/
error-handling); an expired token is HTTP 400, code 190, subcode 463
(https://github.com/snarfed/bridgy/issues/59).

Versions below v18.0 — facebook-sdk 3.1.0's default v2.8 among them — are refused.
The real Graph API instead serves an expired version's calls with the oldest version
still available (https://developers.facebook.com/docs/graph-api/guides/versioning);
the sandbox is strict on purpose, so a client that forgets to set a current version fails
here rather than drift silently in production.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from connectors.sandbox.faults import FaultRule
from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.state import StoredPost
from connectors.sandbox.wire import Request, Response

MIN_MAJOR = 18
FIRST_POST = 100_000_000_000_000
VERSION_PATH = re.compile(r"^/v(\d+)\.(\d+)(/.*)?$")
FEED_EDGES = ("feed", "posts", "published_posts")
DEFAULT_FIELDS = ("created_time", "message", "id")
#: code → (HTTP status, message, subcode, is_transient)
ERRORS: dict[int, tuple[int, str, int | None, bool]] = {
    1: (500, "An unknown error has occurred.", None, True),
    2: (503, "An unexpected error has occurred. Please retry your request later.", None, True),
    4: (400, "(#4) Application request limit reached", None, True),
    10: (403, "(#10) Application does not have permission for this action", None, False),
    17: (400, "(#17) User request limit reached", None, True),
    32: (400, "(#32) Page request limit reached", None, True),
    100: (400, "(#100) Invalid parameter", None, False),
    190: (400, "Error validating access token: Session has expired on Monday, 02-Nov-26 "
               "01:00:00 PST. The current time is Tuesday, 03-Nov-26 01:00:00 PST.", 463, False),
    200: (403, "(#200) The user hasn't authorized the application to perform this action",
          None, False),
    368: (400, "It looks like you were misusing this feature by going too fast.", 1390008,
          False),
    506: (400, "(#506) Duplicate status message", None, False),
    613: (400, "(#613) Calls to this api have exceeded the rate limit.", None, True),
}
STATUS_CODES = {400: 100, 401: 190, 403: 200, 429: 32, 500: 1, 502: 2, 503: 2}


def graph_error(code: int, status: int | None = None, message: str | None = None,
                subcode: int | None = None, headers: dict | None = None) -> Response:
    """Graph's error envelope for ``code``."""
    default_status, default_message, default_sub, transient = ERRORS.get(
        code, (400, f"(#{code}) An error occurred", None, False))
    error: dict[str, Any] = {"message": message or default_message, "type": "OAuthException",
                             "code": code}
    if subcode or default_sub:
        error["error_subcode"] = subcode or default_sub
    if transient:
        error["is_transient"] = True
    error["fbtrace_id"] = secrets.token_urlsafe(8)
    return Response.json(status or default_status, {"error": error},
                         {"www-authenticate": 'OAuth "Facebook Platform" "invalid_token"'}
                         if code == 190 else headers)


def not_found(object_id: str, method: str) -> Response:
    verb = "get" if method == "GET" else "post"
    return graph_error(100, message=(
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation."), subcode=33)


def parse_when(value: str | None) -> float | None:
    """``since``/``until``: a unix timestamp or an ISO 8601 time."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def uncursor(value: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        return 0


class GraphAPI(PlatformAPI):
    """The Graph emulation for Facebook Pages."""

    name = "facebook"

    def handles(self, path: str) -> bool:
        return VERSION_PATH.match(path) is not None

    @staticmethod
    def split(path: str) -> tuple[str, list[str]]:
        major, minor, rest = VERSION_PATH.match(path).groups()  # type: ignore[union-attr]
        return f"v{major}.{minor}", [p for p in (rest or "").split("/") if p]

    @staticmethod
    def token(req: Request) -> str | None:
        header = req.headers.get("authorization", "")
        for prefix in ("Bearer ", "OAuth "):
            if header.startswith(prefix):
                return header[len(prefix):].strip()
        return req.params().get("access_token") or None

    def identify(self, req: Request) -> Identity | Response:
        version, _ = self.split(req.path)
        if int(version[1:].split(".")[0]) < MIN_MAJOR:
            return graph_error(2635, message=(
                f"(#2635) You are calling a deprecated version of the Graph API ({version}). "
                f"Please update to v{MIN_MAJOR}.0 or later."))
        token = self.token(req)
        if token is None:
            return graph_error(104, message="An access token is required to request this "
                                            "resource.")
        page = self.state.find_account("facebook", lambda a: a.get("page_access_token") == token)
        if page is None:
            return graph_error(190, message="Invalid OAuth access token - Cannot parse access "
                                            "token", subcode=None)
        return ("facebook", str(page["page_id"]))

    def fault_answer(self, rule: FaultRule, req: Request, who: Identity) -> Response:
        p = rule.params
        if rule.kind == "rate_limit":
            code = int(p.get("code", 32))
            minutes = int(max(1, float(p.get("reset_in", 60)) // 60))
            usage = {who[1]: [{"type": "pages", "call_count": 100, "total_cputime": 30,
                               "total_time": 40, "estimated_time_to_regain_access": minutes}]}
            return graph_error(code, headers={"x-business-use-case-usage": json.dumps(usage)})
        status = p.get("status")
        if p.get("html"):
            return Response.text(int(status or 502),
                                 "<html><body><h1>Bad Gateway</h1></body></html>", "text/html")
        code = int(p.get("code") or STATUS_CODES.get(int(status or 500), 1))
        return graph_error(code, int(status) if status else None, p.get("message"),
                           p.get("subcode"))

    def dispatch(self, req: Request, who: Identity) -> Response:
        version, parts = self.split(req.path)
        response = self._route(req, who[1], version, parts)
        response.headers.setdefault("facebook-api-version", version)
        return response

    def _route(self, req: Request, page_id: str, version: str, parts: list[str]) -> Response:
        if not parts:
            return not_found("", req.method)
        object_id = parts[0]
        if len(parts) == 2 and parts[1] in FEED_EDGES:
            if object_id != page_id:
                return graph_error(200) if req.method == "POST" else not_found(
                    object_id, req.method)
            if req.method == "POST" and parts[1] == "feed":
                return self._publish(req, page_id)
            if req.method == "GET":
                return self._feed(req, page_id, version, parts[1])
        if len(parts) == 1 and req.method == "GET":
            return self._object(req, page_id, object_id)
        return not_found(object_id, req.method)

    def _publish(self, req: Request, page_id: str) -> Response:
        params = req.params()
        message, link = params.get("message", ""), params.get("link", "")
        if not message and not link:
            return graph_error(100, message="(#100) Missing message or attachment")
        post = self.state.store_post(
            "facebook", page_id, message, unique=bool(message),
            make_id=lambda n: f"{page_id}_{FIRST_POST + n}",
            extra={"link": link} if link else None)
        if post is None:
            return graph_error(506)
        return Response.json(200, {"id": post.id})

    def _fields(self, post: StoredPost, req: Request) -> dict[str, Any]:
        wanted = [f for f in req.params().get("fields", "").split(",") if f] or DEFAULT_FIELDS
        page_id, _, number = post.id.partition("_")
        values = {
            "id": post.id,
            "message": post.text,
            "created_time": datetime.fromtimestamp(post.time, UTC).strftime(
                "%Y-%m-%dT%H:%M:%S+0000"),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{number}",
            "link": post.extra.get("link"),
        }
        return {f: values[f] for f in wanted if values.get(f) not in (None, "")}

    def _feed(self, req: Request, page_id: str, version: str, edge: str) -> Response:
        params = req.params()
        since, until = parse_when(params.get("since")), parse_when(params.get("until"))
        try:
            limit = max(1, min(100, int(params.get("limit", 25))))
        except ValueError:
            return graph_error(100, message="(#100) Param limit must be a number")
        posts = [p for p in reversed(self.state.posts("facebook", page_id))
                 if (since is None or p.time >= since) and (until is None or p.time <= until)]
        offset = uncursor(params["after"]) if params.get("after") else 0
        page = posts[offset:offset + limit]
        body: dict[str, Any] = {"data": [self._fields(p, req) for p in page]}
        if page:
            body["paging"] = {"cursors": {"before": cursor(offset),
                                          "after": cursor(offset + len(page))}}
            if offset + len(page) < len(posts):
                query = {k: v for k, v in params.items() if k != "after"}
                query["after"] = cursor(offset + len(page))
                body["paging"]["next"] = (f"{req.base_url}/{version}/{page_id}/{edge}?"
                                          f"{urlencode(query)}")
        return Response.json(200, body)

    def _object(self, req: Request, page_id: str, object_id: str) -> Response:
        if object_id in (page_id, "me"):
            page = self.state.find_account(
                "facebook", lambda a: str(a.get("page_id")) == page_id) or {}
            values = {"id": page_id, "name": page.get("name", f"Page {page_id}")}
            wanted = [f for f in req.params().get("fields", "").split(",") if f] or ["name", "id"]
            return Response.json(200, {f: values[f] for f in wanted if f in values})
        post = self.state.get_post("facebook", object_id)
        if post is None or post.account != page_id:
            return not_found(object_id, req.method)
        return Response.json(200, self._fields(post, req))
