"""X (Twitter) through tweepy's API v2 ``Client``.

Auth: OAuth 1.0a user context (consumer key/secret + access token/secret) or an
OAuth 2.0 user token (``bearer_token``). tweepy's hard-coded ``https://api.twitter.com``
is redirected through :class:`connectors.http.RebasingSession`.

Wire facts relied on (see also docs/PLATFORMS):
- ``POST /2/tweets`` → 201 ``{"data":{"id","text"}}``; rate headers
  ``x-rate-limit-limit/remaining/reset`` (reset in epoch seconds) —
  https://docs.x.com/fundamentals/rate-limits
- 24-hour posting caps: ``x-user-limit-24hour-*`` / ``x-app-limit-24hour-*``.
- Duplicate text → 403 problem+json ``{"detail":"You are not allowed to create a Tweet
  with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`` —
  https://github.com/akrherz/iembot/issues/163
- Bad credentials → 401 ``{"title":"Unauthorized","type":"about:blank","status":401,
  "detail":"Unauthorized"}`` — https://github.com/xdevplatform/samples/issues/69
- Media: with OAuth 1.0a through tweepy's v1.1 ``API.media_upload`` on
  ``upload.twitter.com/1.1/media/upload.json`` (simple for images, chunked
  INIT/APPEND/FINALIZE/STATUS for videos; alt text via ``media/metadata/create``); with an
  OAuth 2.0 user token through v2 ``POST /2/media/upload`` (multipart ``media``,
  ``media_category``), which tweepy's ``Client`` lacks —
  https://docs.x.com/x-api/media/quickstart/media-upload-chunked. The ids go in
  ``media.media_ids`` of ``POST /2/tweets``. A failed upload has published nothing.
- Length: :mod:`connectors.x_text` (twitter-text v3 weights).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar

import requests
import tweepy

from connectors.base import (
    ChannelHealth,
    Connector,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.http import (
    RebasingSession,
    excerpt,
    quiet_loggers,
    redact,
    retry_safe,
    transport_error,
)
from connectors.x_text import MAX_WEIGHTED, weighted_length
from orchestrator.errors import (
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

PLATFORM = "x"
OAUTH1_KEYS = frozenset({"consumer_key", "consumer_secret", "access_token", "access_token_secret"})
FIND_PAGES = 5
_RATE_HEADER_PREFIXES = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
_HTTP_ERRORS = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden,
                404: tweepy.NotFound, 429: tweepy.TooManyRequests}

# tweepy and requests-oauthlib log request headers (tokens) at DEBUG.
quiet_loggers("tweepy.client", "requests_oauthlib", "oauthlib")


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


class XConnector(Connector):
    """One X account."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=280, max_media=4)
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        OAUTH1_KEYS,
        frozenset({"bearer_token"}),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        given = {k for k, v in self.credentials.items() if v}
        self._user_auth = given >= OAUTH1_KEYS
        self.session = RebasingSession(self.api_base, self.timeout)
        creds = self.credentials
        if self._user_auth:
            self.client = tweepy.Client(
                consumer_key=creds["consumer_key"],
                consumer_secret=creds["consumer_secret"],
                access_token=creds["access_token"],
                access_token_secret=creds["access_token_secret"],
            )
        else:
            self.client = tweepy.Client(bearer_token=creds["bearer_token"])
        self.client.session = self.session
        self.api: tweepy.API | None = None
        if self._user_auth:
            auth = tweepy.OAuth1UserHandler(
                creds["consumer_key"], creds["consumer_secret"], creds["access_token"],
                creds["access_token_secret"])
            self.api = tweepy.API(auth, timeout=self.timeout)
            self.api.session = self.session
        self._me: tuple[str, str] | None = None

    def validate(self, post: RenderedPost) -> list[Problem]:
        """Weighted length (URLs 23, CJK and emoji 2) and at most four media."""
        problems = []
        length = weighted_length(post.text)
        if length > MAX_WEIGHTED:
            problems.append(Problem(PLATFORM, f"text weighs {length} characters, "
                                              f"limit {MAX_WEIGHTED}"))
        if len(post.media) > self.limits.max_media:
            problems.append(Problem(PLATFORM, f"{len(post.media)} media items, limit "
                                              f"{self.limits.max_media}"))
        if any(not m.path for m in post.media):
            problems.append(Problem(PLATFORM, "X uploads media from local files only"))
        return problems

    @retry_safe
    def upload(self, item: MediaItem) -> str:
        """Upload one file; its media id (v1.1 with OAuth 1.0a, else v2)."""
        try:
            if self.api is not None:
                with open(item.path or "", "rb") as handle, warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)  # tweepy's imghdr
                    media = self.api.media_upload(item.filename, file=handle,
                                                  chunked=item.mime.startswith("video/"))
                if item.alt_text:
                    self.api.create_media_metadata(media.media_id, item.alt_text[:1000])
                return str(media.media_id)
            category = "tweet_video" if item.mime.startswith("video/") else "tweet_image"
            response = self.session.post(
                "https://api.twitter.com/2/media/upload",
                headers={"Authorization": f"Bearer {self.credentials['bearer_token']}"},
                files={"media": (item.filename, item.read(), item.mime)},
                data={"media_category": category})
        except Exception as exc:  # noqa: BLE001 - every failure is mapped, none escapes raw
            raise upload_error(exc) from None
        if not response.ok:
            status = response.status_code
            cls = tweepy.TwitterServerError if status >= 500 else _HTTP_ERRORS.get(
                status, tweepy.HTTPException)
            raise upload_error(cls(response))
        return str(response.json()["data"]["id"])

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, user_auth=self._user_auth, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is mapped, none escapes raw
            raise map_error(exc) from None

    @retry_safe
    def me(self) -> tuple[str, str]:
        """(user id, username) of the authenticated account, cached."""
        if self._me is None:
            user = self._call(self.client.get_me).data
            self._me = (str(user.id), user.username)
        return self._me

    def permalink(self, tweet_id: str) -> str:
        """Public link of a post; falls back to X's username-less form."""
        try:
            return f"https://x.com/{self.me()[1]}/status/{tweet_id}"
        except PublishError:
            return f"https://x.com/i/status/{tweet_id}"

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Upload any media, then POST /2/tweets."""
        media_ids = [self.upload(item) for item in post.media] or None
        response = self._call(self.client.create_tweet, text=post.text, media_ids=media_ids)
        try:
            tweet_id = str(response.data["id"])
        except (KeyError, TypeError):
            raise OutcomeUnknown("accepted without a post id", platform=PLATFORM) from None
        answer = self.session.last_response
        return Published(external_id=tweet_id, permalink=self.permalink(tweet_id),
                         quota_wait=quota_wait(answer.headers if answer is not None else {}))

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Look through the account's posts since ``since`` for the same text."""
        user_id, _ = self.me()
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        token = None
        for _ in range(FIND_PAGES):
            page = self._call(
                self.client.get_users_tweets, user_id, start_time=since, max_results=100,
                tweet_fields=["created_at"], pagination_token=token,
            )
            for tweet in page.data or []:
                if tweet.text == post.text:
                    tweet_id = str(tweet.id)
                    return Published(external_id=tweet_id, permalink=self.permalink(tweet_id))
            token = (page.meta or {}).get("next_token")
            if not token:
                break
        return None

    def check(self) -> ChannelHealth:
        """GET /2/users/me; refused credentials give ok=False, outages raise."""
        try:
            _, username = self.me()
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=exc.detail)
        return ChannelHealth(ok=True, account=f"@{username}")
