"""The one module that owns facebook-sdk: a Graph API client and its error mapping.

facebook-sdk 3.1.0 builds URLs from the module global ``FACEBOOK_GRAPH_URL`` and its
constructor refuses versions above 3.1 (default v2.8). We never touch the globals:
requests are redirected by :class:`connectors.http.RebasingSession`, and the instance's
``version`` is set to :data:`GRAPH_VERSION` after construction.

The SDK hides the HTTP response, so the session remembers the last response per thread;
the mapping reads its status and usage headers from there.

Graph facts relied on:
- Error envelope ``{"error":{"message","type","code","error_subcode","error_user_title",
  "error_user_msg","is_transient","fbtrace_id"}}``; codes 1/2 transient, 4/17 throttling,
  10 and 200–299 permissions, 190 token, 368 policy block, 506 duplicate post —
  https://developers.facebook.com/docs/graph-api/guides/error-handling
- Expired tokens answer HTTP 400, code 190, subcode 463 ("Error validating access token:
  Session has expired …") — https://github.com/snarfed/bridgy/issues/59
- Usage headers ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` (percentages and
  ``estimated_time_to_regain_access`` in minutes) —
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- Instagram content publishing: code 9007/subcode 2207027 "Media ID is not available"
  (container not ready; nothing published, retry later); code 9/2207042 publishing limit
  reached; codes -1/-2 Instagram server or download trouble —
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
- Versions live two years; v21.0 was released 2024-10-02 and is available until
  2027-01-21 — https://developers.facebook.com/docs/graph-api/changelog
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import facebook
import requests

from connectors.engagement import count
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    DuplicateContent,
    OutcomeUnknown,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.http import RebasingSession, excerpt, redact, transport_error

GRAPH_VERSION = "v21.0"
AUTH_CODES = frozenset({102, 190})
RATE_CODES = frozenset({4, 9, 17, 32, 341, 613})
TRANSIENT_CODES = frozenset({1, 2, -1, -2, 9007})
#: 506: "Duplicate status message" — perhaps our own earlier try; reconciled.
DUPLICATE_CODE = 506
CONTENT_CODES = frozenset({100, 368, 1609005})
USAGE_HEADERS = ("x-business-use-case-usage", "x-page-usage", "x-app-usage")
MAINTYPE = "Maintype was not text, image, or querystring"


def _is_permission(code: int | None) -> bool:
    return code is not None and (code in (10, 283) or 200 <= code <= 299)


def _regain_minutes(value: Any) -> list[float]:
    found: list[float] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "estimated_time_to_regain_access":
                with contextlib.suppress(TypeError, ValueError):
                    found.append(float(item))
            else:
                found.extend(_regain_minutes(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_regain_minutes(item))
    return found


def retry_after_from_usage(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from Graph usage headers, when they say (minutes → seconds)."""
    minutes: list[float] = []
    for name in USAGE_HEADERS:
        raw = (headers or {}).get(name)
        if not raw:
            continue
        try:
            minutes.extend(_regain_minutes(json.loads(raw)))
        except ValueError:
            continue
    positive = [m for m in minutes if m > 0]
    return max(positive) * 60 if positive else None


def map_graph_error(
    exc: Exception, *, platform: str, response: requests.Response | None = None
) -> PublishError:
    """Translate a facebook-sdk or requests failure into Siaran's error taxonomy."""
    if isinstance(exc, PublishError):
        return exc
    if isinstance(exc, requests.RequestException):
        return transport_error(exc, platform=platform)
    status = response.status_code if response is not None else None
    kw = {"platform": platform, "status": status, "excerpt": excerpt(response)}
    if not isinstance(exc, facebook.GraphAPIError):
        if status is not None and status >= 500:
            return Unavailable(f"unreadable answer ({type(exc).__name__})", **kw)
        return OutcomeUnknown(f"unreadable answer ({type(exc).__name__})", **kw)
    result = exc.result if isinstance(exc.result, dict) else {}
    error = result.get("error") if isinstance(result.get("error"), dict) else {}
    code = exc.code if exc.code is not None else error.get("code")
    subcode = error.get("error_subcode")
    message = redact(str(exc.message))[:300]
    tag = "/".join(str(c) for c in (code, subcode) if c is not None)
    detail = f"({tag}) {message}" if tag else message
    if not error:
        if message == MAINTYPE or status is None or status >= 500:
            return Unavailable(f"non-JSON answer: {message}", **kw)
        return ContentRejected(detail, **kw)
    if code in AUTH_CODES:
        return AuthExpired(detail, **kw)
    if code in RATE_CODES:
        headers = response.headers if response is not None else None
        return RateLimited(detail, retry_after=retry_after_from_usage(headers), **kw)
    if code in TRANSIENT_CODES or error.get("is_transient"):
        return Unavailable(detail, **kw)
    if _is_permission(code):
        return PermissionDenied(detail, **kw)
    if code == DUPLICATE_CODE:
        return DuplicateContent(detail, **kw)
    if code in CONTENT_CODES:
        return ContentRejected(detail, **kw)
    if status is not None and status >= 500:
        return Unavailable(detail, **kw)
    return ContentRejected(detail, **kw)


class GraphSession(RebasingSession):
    """Moves facebook-sdk's ``access_token`` parameter into an ``Authorization`` header.

    Graph accepts ``Authorization: Bearer``; keeping the token out of URLs keeps it out
    of connection-pool logs and exception messages.
    """

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        token = None
        for key in ("params", "data"):
            values = kwargs.get(key)
            if isinstance(values, dict) and "access_token" in values:
                values = dict(values)
                token = values.pop("access_token")
                kwargs[key] = values
        if token:
            kwargs["headers"] = {**(kwargs.get("headers") or {}),
                                 "Authorization": f"Bearer {token}"}
        return super().request(method, url, *args, **kwargs)


class Graph:
    """A facebook-sdk ``GraphAPI`` pointed at ``api_base`` with a current version."""

    def __init__(
        self,
        access_token: str,
        *,
        platform: str,
        api_base: str | None = None,
        timeout: float,
        version: str = GRAPH_VERSION,
    ) -> None:
        self.platform = platform
        self.session = GraphSession(api_base, timeout)
        self.api = facebook.GraphAPI(
            access_token=access_token, session=self.session, timeout=timeout
        )
        self.api.version = version

    def __repr__(self) -> str:
        return f"Graph(platform={self.platform!r}, version={self.api.version!r})"

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is mapped, none escapes raw
            raise map_graph_error(
                exc, platform=self.platform, response=self.session.last_response
            ) from None

    def get(self, object_id: str, **args: Any) -> dict:
        """GET /{version}/{object_id}."""
        return self._call(self.api.get_object, object_id, **args)

    def followers(self, object_id: str) -> int | None:
        """The ``followers_count`` of a Page or an Instagram account."""
        return count(self.get(object_id, fields="followers_count").get("followers_count"))

    def edge(self, object_id: str, edge: str, **args: Any) -> dict:
        """GET /{version}/{object_id}/{edge}."""
        return self._call(self.api.get_connections, object_id, edge, **args)

    def post(self, object_id: str, edge: str, **data: Any) -> dict:
        """POST /{version}/{object_id}/{edge} with form data."""
        return self._call(self.api.put_object, object_id, edge, **data)

    def upload(self, object_id: str, edge: str, files: dict, **data: Any) -> dict:
        """POST /{version}/{object_id}/{edge} as multipart, with ``files``."""
        path = f"{self.api.version}/{object_id}/{edge}"
        return self._call(self.api.request, path, post_args=data, files=files, method="POST")
