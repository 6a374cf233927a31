"""X's answers mapped onto Siaran's error taxonomy (tweepy exceptions, rate headers).

- Duplicate text → 403 problem+json ``{"detail":"You are not allowed to create a Tweet
  with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`` —
  https://github.com/akrherz/iembot/issues/163
- Bad credentials → 401 ``{"title":"Unauthorized","type":"about:blank","status":401,
  "detail":"Unauthorized"}`` — https://github.com/xdevplatform/samples/issues/69
- Rate headers ``x-rate-limit-limit/remaining/reset`` (reset in epoch seconds) and the
  24-hour caps ``x-user-limit-24hour-*`` / ``x-app-limit-24hour-*`` —
  https://docs.x.com/fundamentals/rate-limits
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import requests
import tweepy

from connectors.errors import (
    AuthExpired,
    ContentRejected,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.http import excerpt, redact, transport_error

PLATFORM = "x"
_RATE_HEADER_PREFIXES = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


def is_duplicate(exc: tweepy.HTTPException) -> bool:
    """Did X refuse the post because the account already posted the same text?"""
    return exc.response is not None and exc.response.status_code == 403 and any(
        "duplicate content" in str(m).lower() for m in exc.api_messages
    )


def _is_content_refusal(exc: tweepy.HTTPException) -> bool:
    return any("too long" in str(m).lower() for m in exc.api_messages)


def retry_after_from_headers(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until the exhausted X limit resets (the latest of the exhausted windows)."""
    now = time.time() if now is None else now
    exhausted: list[float] = []
    fallback: float | None = None
    for prefix in _RATE_HEADER_PREFIXES:
        reset = headers.get(f"{prefix}-reset")
        if reset is None:
            continue
        try:
            wait = max(0.0, float(reset) - now)
        except ValueError:
            continue
        if prefix == "x-rate-limit":
            fallback = wait
        if headers.get(f"{prefix}-remaining") == "0":
            exhausted.append(wait)
    if exhausted:
        return max(exhausted)
    return fallback


def quota_wait(headers: Mapping[str, str]) -> float | None:
    """After a success: seconds to stay away when a posting window has nothing left."""
    if any(headers.get(f"{p}-remaining") == "0" for p in _RATE_HEADER_PREFIXES):
        return retry_after_from_headers(headers)
    return None


def map_error(exc: Exception) -> PublishError:
    """Translate a tweepy or requests failure into Siaran's error taxonomy."""
    if isinstance(exc, PublishError):
        return exc
    if isinstance(exc, tweepy.HTTPException):
        response = exc.response
        kw = {
            "platform": PLATFORM,
            "status": getattr(response, "status_code", None),
            "excerpt": excerpt(response),
        }
        detail = redact("; ".join(map(str, exc.api_messages)) or str(exc))[:300]
        if isinstance(exc, tweepy.Unauthorized):
            return AuthExpired(detail, **kw)
        if isinstance(exc, tweepy.Forbidden):
            if is_duplicate(exc):
                return DuplicateContent(detail, **kw)
            if _is_content_refusal(exc):
                return ContentRejected(detail, **kw)
            return PermissionDenied(detail, **kw)
        if isinstance(exc, tweepy.BadRequest):
            return ContentRejected(detail, **kw)
        if isinstance(exc, tweepy.TooManyRequests):
            headers = response.headers if response is not None else {}
            return RateLimited(detail, retry_after=retry_after_from_headers(headers), **kw)
        if isinstance(exc, tweepy.TwitterServerError):
            return Unavailable(detail, **kw)
        return PermanentError(detail, **kw)
    if isinstance(exc, requests.RequestException):
        return transport_error(exc, platform=PLATFORM)
    cause = exc.__cause__ or exc.__context__  # tweepy's API wraps network errors
    if isinstance(exc, tweepy.TweepyException) and isinstance(cause, requests.RequestException):
        return transport_error(cause, platform=PLATFORM)
    return OutcomeUnknown(f"unexpected {type(exc).__name__}", platform=PLATFORM)


def upload_error(exc: Exception) -> PublishError:
    """An upload failure: like :func:`map_error`, but never unknown (nothing was posted)."""
    error = map_error(exc)
    if isinstance(error, OutcomeUnknown):
        return Unavailable(f"media upload failed: {error.detail}", platform=PLATFORM,
                           status=error.status, excerpt=error.excerpt)
    return error
