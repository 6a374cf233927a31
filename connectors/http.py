"""HTTP plumbing shared by connectors: a rebasing session and transport-error mapping.

Client libraries such as tweepy and facebook-sdk hard-code their hosts
(``https://api.twitter.com``, ``https://graph.facebook.com/``) but accept a
``requests.Session``. :class:`RebasingSession` rewrites every URL onto a channel's
``api_base`` (a staging host or the sandbox) and applies a default timeout whenever
the caller passes none — tweepy's ``Client`` never does. OAuth 1.0a signatures are
computed at prepare time, after the rewrite, so they cover the URL actually requested.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ContentDecodingError
from urllib3.exceptions import ProtocolError

from connectors import retry
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)

DEFAULT_TIMEOUT = 15.0
EXCERPT_CHARS = 300
#: Kept-alive connections per host; one connector may serve many worker threads.
POOL_SIZE = 64
_SECRET_PARAM = re.compile(
    r"((?:[a-z_]*token|oauth_[a-z_]+|client_secret|[a-z_]*password|passwd|api_?key|"
    r"secret|signature|sig)=[\"']?)[^&\s'\",)]+", re.I
)
_URL_IN_MESSAGE = re.compile(r"(with url: )\S+")
#: A Telegram bot token: in a ``/bot…`` path, or bare (digits, colon, 35 characters).
_BOT_TOKEN = re.compile(r"(/bot)[0-9]+:[A-Za-z0-9_-]+|\b()[0-9]{6,}:[A-Za-z0-9_-]{30,}")
#: ``Authorization: Bearer …`` and ``Basic …`` values; an ``OAuth …`` header's parameters.
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+|\b(OAuth)\s+[^\r\n]+", re.I)
#: A user name and password in a URL: ``scheme://user:password@host``.
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.\-]*://)[^/\s@]+@", re.I)


class RebasingSession(requests.Session):
    """A session that sends every request to ``api_base`` with a default timeout."""

    def __init__(self, api_base: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.api_base = api_base.rstrip("/") if api_base else None
        self.default_timeout = timeout
        self._local = threading.local()
        self._environment: dict[tuple, dict] = {}
        adapter = HTTPAdapter(pool_maxsize=POOL_SIZE)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def rebase(self, url: str) -> str:
        """Move ``url`` onto ``api_base`` keeping path, query and fragment."""
        if not self.api_base:
            return url
        base = urlsplit(self.api_base)
        parts = urlsplit(url)
        path = base.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        """Rebase the URL, default the timeout, and remember the response per thread."""
        if kwargs.get("timeout") is None and len(args) < 7:
            kwargs["timeout"] = self.default_timeout
        self._local.response = None
        response = super().request(method, self.rebase(str(url)), *args, **kwargs)
        self._local.response = response
        return response

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[override]
        """Proxy, ``no_proxy``, ``.netrc`` and CA settings from the environment, worked out
        once per host: requests re-reads them on every request, a measurable share of a
        delivery's CPU. Proxies passed with a request are honoured as before."""
        if proxies:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        return {**settings, "proxies": dict(settings["proxies"])}

    @property
    def last_response(self) -> requests.Response | None:
        """The last response this thread received through the session (or None)."""
        return getattr(self._local, "response", None)


def quiet_loggers(*names: str) -> None:
    """Raise library loggers that print request headers at DEBUG (credentials) to INFO."""
    for name in names:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def redact(text: str) -> str:
    """Remove what looks like a credential from a message: URLs after "with url:",
    credential-named query values, bot tokens, ``Bearer``/``Basic``/``OAuth`` values and
    user names and passwords in URLs."""
    text = _URL_IN_MESSAGE.sub(r"\1<redacted>", text)
    text = _BOT_TOKEN.sub(lambda m: f"{m[1] or ''}<redacted>", text)
    text = _AUTH_SCHEME.sub(lambda m: f"{m[1] or m[2]} <redacted>", text)
    text = _USERINFO.sub(r"\1<redacted>@", text)
    return _SECRET_PARAM.sub(r"\1<redacted>", text)


def excerpt(response: requests.Response | None) -> str:
    """A short, credential-free excerpt of a response body."""
    if response is None:
        return ""
    try:
        text = response.text
    except Exception:  # noqa: BLE001 - a broken body is still an answer to report
        return ""
    return redact(text[:EXCERPT_CHARS])


def json_or_none(response: requests.Response) -> Any:
    """The answer's body as JSON, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def _sent_before_failure(exc: requests.ConnectionError) -> bool:
    """True when the connection broke after the request had been sent."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ProtocolError | ConnectionResetError | BrokenPipeError):
            return True
        if type(cause).__name__ == "RemoteDisconnected":
            return True
        nxt = cause.__cause__ or cause.__context__
        if nxt is None and cause.args and isinstance(cause.args[0], BaseException):
            nxt = cause.args[0]
        if nxt is None:
            reason = getattr(cause, "reason", None)
            nxt = reason if isinstance(reason, BaseException) else None
        cause = nxt
    return False


def transport_error(exc: requests.RequestException, *, platform: str) -> PublishError:
    """Map a network failure: before sending → Unavailable, after sending → OutcomeUnknown."""
    name = type(exc).__name__
    if isinstance(exc, requests.ConnectTimeout):
        return Unavailable(f"connect timeout ({name})", platform=platform)
    if isinstance(exc, requests.ReadTimeout):
        return OutcomeUnknown(f"no answer in time after sending ({name})", platform=platform)
    if isinstance(exc, ChunkedEncodingError | ContentDecodingError):
        return OutcomeUnknown(f"answer broke off ({name})", platform=platform)
    if isinstance(exc, requests.ConnectionError):
        if _sent_before_failure(exc):
            return OutcomeUnknown(f"connection dropped after sending ({name})", platform=platform)
        return Unavailable(f"could not connect: {redact(str(exc))[:200]}", platform=platform)
    return OutcomeUnknown(f"request failed ({name}): {redact(str(exc))[:200]}",
                          platform=platform)


def status_error(
    response: requests.Response, detail: str, *, platform: str,
    retry_after: float | None = None,
) -> PublishError:
    """The taxonomy class for an HTTP error status, for platforms spoken in plain HTTP."""
    status = response.status_code
    kw = {"platform": platform, "status": status, "excerpt": excerpt(response)}
    detail = redact(detail)[:300]
    if status == 401:
        return AuthExpired(detail, **kw)
    if status == 403:
        return PermissionDenied(detail, **kw)
    if status == 429:
        return RateLimited(detail, retry_after=retry_after, **kw)
    if status >= 500:
        return Unavailable(detail, retry_after=retry_after, **kw)
    if status in (400, 413, 422):
        return ContentRejected(detail, **kw)
    return PermanentError(detail, **kw)


def retry_after_header(response: requests.Response) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds (None otherwise)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


class PlainHttp:
    """Requests for platforms without a client library: rebased, timed, errors mapped."""

    def __init__(self, *, platform: str, api_base: str | None, timeout: float) -> None:
        self.platform = platform
        self.session = RebasingSession(api_base, timeout)

    def __repr__(self) -> str:
        return f"PlainHttp(platform={self.platform!r})"

    def send(self, method: str, url: str, *, sent_is_unknown: bool = True,
             **kwargs) -> requests.Response:
        """One request; network failures become Unavailable or OutcomeUnknown.

        With ``sent_is_unknown=False`` (uploads and reads, which publish nothing) a failure
        after sending is Unavailable too.
        """
        try:
            return self.session.request(method, url, **kwargs)
        except requests.RequestException as exc:
            error = transport_error(exc, platform=self.platform)
            if isinstance(error, OutcomeUnknown) and not sent_is_unknown:
                error = Unavailable(error.detail, platform=self.platform)
            raise error from None


_IN_CALL = retry.in_call(retry.IN_CALL)


def retry_safe(fn):
    """Short in-call retries (:data:`connectors.retry.IN_CALL`) for requests that are safe to
    repeat: reads, and media uploads that create nothing visible. Never for the call that
    publishes."""
    return _IN_CALL(fn)
