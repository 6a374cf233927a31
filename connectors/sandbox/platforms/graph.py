"""What the Facebook and Instagram emulations share: Graph's paths, tokens, errors, paging.

Paths are versioned, ``/vNN.N/…``; the token comes from ``access_token`` (query, form or
JSON body) or ``Authorization: Bearer``/``OAuth``. Errors use Graph's envelope
``{"error":{"message","type","code","error_subcode","is_transient","error_user_title",
"error_user_msg","fbtrace_id"}}`` —
https://developers.facebook.com/docs/graph-api/guides/error-handling; an expired token is
HTTP 400, code 190, subcode 463 (https://github.com/snarfed/bridgy/issues/59); throttling
comes with ``X-Business-Use-Case-Usage`` / ``X-App-Usage`` headers whose
``estimated_time_to_regain_access`` is in minutes —
https://developers.facebook.com/docs/graph-api/overview/rate-limiting.

Versions below v18.0 — facebook-sdk 3.1.0's default v2.8 among them — are refused with
code 2635. The real Graph API instead serves an expired version's calls with the oldest
version still available (https://developers.facebook.com/docs/graph-api/guides/versioning);
the sandbox is strict on purpose, so a client that forgets to set a current version fails
here rather than drift silently in production.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from connectors.sandbox.faults import FaultRule
from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.wire import Request, Response, iso_time

MIN_MAJOR = 18
VERSION_PATH = re.compile(r"^/v(\d+)\.(\d+)(/.*)?$")
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
REVOKED = {458: "Error validating access token: The user has not authorized application.",
           460: "Error validating access token: The session has been invalidated because "
                "the user changed their password or Facebook has changed the session for "
                "security reasons.",
           467: "Error validating access token: The access token is invalid."}


def graph_error(code: int, status: int | None = None, message: str | None = None,
                subcode: int | None = None, headers: dict | None = None,
                user_title: str | None = None, user_msg: str | None = None,
                transient: bool | None = None) -> Response:
    """Graph's error envelope for ``code``."""
    default_status, default_message, default_sub, default_transient = ERRORS.get(
        code, (400, f"(#{code}) An error occurred", None, False))
    error: dict[str, Any] = {"message": message or default_message, "type": "OAuthException",
                             "code": code}
    if subcode or default_sub:
        error["error_subcode"] = subcode or default_sub
    error["is_transient"] = default_transient if transient is None else transient
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = secrets.token_urlsafe(8)
    extra = {"www-authenticate": 'OAuth "Facebook Platform" "invalid_token"'} if code == 190 \
        else {}
    return Response.json(status or default_status, {"error": error}, {**extra, **(headers or {})})


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
        return iso_time(value)


def graph_time(ts: float) -> str:
    """Graph's timestamp format, ``2026-11-03T01:00:00+0000``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def uncursor(value: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        return 0


def split_fields(text: str) -> list[str]:
    """``a,b.summary(x).limit(0),c.metric(d,e)`` → its fields, commas inside parentheses
    kept (Graph's field expansion)."""
    fields, depth, start = [], 0, 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            fields.append(text[start:at])
            start = at + 1
    fields.append(text[start:])
    return [f.strip() for f in fields if f.strip()]


def field_name(field: str) -> str:
    """The field a possibly expanded field names: ``reactions.summary(…)`` → reactions."""
    return re.split(r"[.({]", field, maxsplit=1)[0]


def wanted_fields(req: Request, default: tuple[str, ...]) -> list[str]:
    return [field_name(f) for f in split_fields(req.params().get("fields", ""))] or list(default)


def page_of(req: Request, items: list[Any], render, path: str) -> Response:
    """A cursor-paged ``{"data":[…],"paging":{…}}`` answer over ``items``."""
    params = req.params()
    try:
        limit = max(1, min(100, int(params.get("limit", 25))))
    except ValueError:
        return graph_error(100, message="(#100) Param limit must be a number")
    offset = uncursor(params["after"]) if params.get("after") else 0
    page = items[offset:offset + limit]
    body: dict[str, Any] = {"data": [render(i) for i in page]}
    if page:
        body["paging"] = {"cursors": {"before": cursor(offset),
                                      "after": cursor(offset + len(page))}}
        if offset + len(page) < len(items):
            query = {k: v for k, v in params.items() if k not in ("after", "access_token")}
            query["after"] = cursor(offset + len(page))
            body["paging"]["next"] = f"{req.base_url}{path}?{urlencode(query)}"
    return Response.json(200, body)


class GraphBase(PlatformAPI):
    """Graph plumbing: version check, token lookup, the shared fault answers."""

    #: The accounts field holding the token.
    token_field = ""
    outage: ClassVar[dict[str, Any]] = {"kind": "status", "code": 2}

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

    def account_for(self, req: Request) -> dict | None:
        token = self.token(req)
        if token is None:
            return None
        return self.state.find_account(self.name, lambda a: a.get(self.token_field) == token)

    def identify(self, req: Request) -> Identity | Response:
        version, _ = self.split(req.path)
        if int(version[1:].split(".")[0]) < MIN_MAJOR:
            return graph_error(2635, message=(
                f"(#2635) You are calling a deprecated version of the Graph API ({version}). "
                f"Please update to v{MIN_MAJOR}.0 or later."))
        if self.token(req) is None:
            return graph_error(104, message="An access token is required to request this "
                                            "resource.")
        account = self.account_for(req)
        if account is None:
            return graph_error(190, message="Invalid OAuth access token - Cannot parse access "
                                            "token", subcode=None)
        return (self.name, str(account[self.id_key]))

    def dispatch(self, req: Request, who: Identity) -> Response:
        version, parts = self.split(req.path)
        response = self.route(req, who[1], version, parts)
        response.headers.setdefault("facebook-api-version", version)
        return response

    def route(self, req: Request, account: str, version: str, parts: list[str]) -> Response:
        raise NotImplementedError

    @staticmethod
    def usage_headers(account: str, minutes: int, kind: str = "pages") -> dict[str, str]:
        usage = {account: [{"type": kind, "call_count": 100, "total_cputime": 30,
                            "total_time": 40, "estimated_time_to_regain_access": minutes}]}
        return {"x-business-use-case-usage": json.dumps(usage)}

    # faults ------------------------------------------------------------------------------
    def error(self, status: int, message: str, headers: dict[str, str] | None = None
              ) -> Response:
        return graph_error(STATUS_CODES.get(status, 100), status, message, headers=headers)

    def rate_limited(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """Throttled (``params.code``, default 32) with usage headers. Graph counts the time
        to regain access in whole minutes: a throttle of under a minute says 0."""
        minutes = int(wait // 60)
        return graph_error(int(rule.params.get("code", 32)),
                           headers=self.usage_headers(who[1], minutes))

    def quota_exhausted(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """Daily quota used up: the app-level limit with usage headers."""
        minutes = int(wait // 60)
        headers = {**self.usage_headers(who[1], minutes),
                   "x-app-usage": json.dumps({"call_count": 100, "total_cputime": 100,
                                              "total_time": 100})}
        return graph_error(4, headers=headers)

    def token_expired(self, rule: FaultRule) -> Response:
        subcode = int(rule.params.get("subcode", 463))
        return graph_error(190, subcode=subcode, message=REVOKED.get(subcode))

    def duplicate(self, rule: FaultRule) -> Response:
        return graph_error(506)

    def error_answer(self, status: int | None, rule: FaultRule) -> Response:
        """``params.code`` (else the code Graph gives for ``status``), status and message."""
        p = rule.params
        code = int(p.get("code") or STATUS_CODES.get(status or 500, 1))
        return graph_error(code, status, p.get("message"), p.get("subcode"))

    def html_error(self, status: int | None) -> Response:
        return Response.text(status or 502, "<html><body><h1>Bad Gateway</h1></body></html>",
                             "text/html")
