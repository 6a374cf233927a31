"""X (Twitter) through tweepy's API v2 ``Client``.

Auth: OAuth 1.0a user context (consumer key/secret + access token/secret) or an
OAuth 2.0 user token (``bearer_token``). tweepy's hard-coded ``https://api.twitter.com``
is redirected through :class:`connectors.http.RebasingSession`.

Wire facts relied on (errors and rate headers: :mod:`connectors.platforms.x_errors`):
- ``POST /2/tweets`` → 201 ``{"data":{"id","text"}}``; body ``text``,
  ``media.media_ids``, ``reply.in_reply_to_tweet_id`` —
  https://docs.x.com/x-api/posts/creation-of-a-post
- A post carries up to 4 photos, 1 animated GIF or 1 video —
  https://docs.x.com/x-api/media/quickstart/best-practices
- Media: :mod:`connectors.platforms.x_upload` (v2 by default; ``media_upload=v1.1`` in the channel's
  credentials or ``extra`` selects tweepy's v1.1 upload). Uploaded media ids expire after
  24 hours (``expires_after_secs: 86400``) —
  https://developer.x.com/en/docs/tutorials/uploading-media
- Length: :mod:`connectors.platforms.x_text` (twitter-text v3 weights).

Threads: with ``RenderedPost.thread`` a text longer than one post is published as numbered
parts (:func:`connectors.platforms.x_text.split_thread`), each replying to the one before.
Every part posted is remembered in ``post.uploads`` as ``thread:<n>`` → post id, so a retry
continues after the last part posted; a part X refuses as a duplicate was posted by an
earlier, uncertain attempt and is taken from the account's timeline instead of failing.

Engagement: ``GET /2/tweets?ids=…&tweet.fields=public_metrics`` reads up to 100 posts per
request (``impression_count``, ``like_count``, ``retweet_count``, ``reply_count``,
``quote_count``, ``bookmark_count``); X allows 5,000 such requests per user and 3,500 per
app in 15 minutes, against 900 / 450 for ``GET /2/tweets/:id`` —
https://docs.x.com/x-api/fundamentals/rate-limits. Followers: ``GET /2/users/me`` with
``user.fields=public_metrics`` (``followers_count``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import tweepy

from connectors.base import (
    MB,
    Connector,
    Counter,
    Engagement,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.engagement import count
from connectors.errors import ConfigError, DuplicateContent, OutcomeUnknown, PublishError
from connectors.http import RebasingSession, quiet_loggers, retry_safe
from connectors.platforms.x_errors import PLATFORM, map_error, quota_wait, upload_error
from connectors.platforms.x_text import (
    MAX_THREAD_PARTS,
    MAX_WEIGHTED,
    split_thread,
    weighted_length,
)
from connectors.platforms.x_upload import MediaUploader
from connectors.wording import Said

OAUTH1_KEYS = frozenset({"consumer_key", "consumer_secret", "access_token", "access_token_secret"})

# tweepy and requests-oauthlib log request headers (tokens) at DEBUG.
quiet_loggers("tweepy.client", "requests_oauthlib", "oauthlib")


def thread_key(number: int) -> str:
    """The ``post.uploads`` key remembering part ``number`` of a thread."""
    return f"thread:{number}"


class XConnector(Connector):
    """One X account."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_text=MAX_WEIGHTED, max_media=4,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_image_bytes=5 * MB, video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_video_bytes=512 * MB)
    max_thread_parts: ClassVar[int] = MAX_THREAD_PARTS
    #: X media ids expire after 24 hours (``expires_after_secs: 86400``).
    media_id_ttl: ClassVar[float] = 86_400.0
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
        self.uploader = MediaUploader(self.client, self.session, user_auth=self._user_auth,
                                      api=self._v1_api())
        self._me: tuple[str, str] | None = None

    def _v1_api(self) -> tweepy.API | None:
        """tweepy's v1.1 ``API`` when the channel asks for v1.1 media upload, else None."""
        choice = self.extra.get("media_upload") or self.credentials.get("media_upload")
        if choice in (None, "", "v2"):
            return None
        if choice != "v1.1":
            raise ConfigError(Said("x media_upload must be v2 or v1.1, not {choice!r}",
                                   choice=choice))
        if not self._user_auth:
            raise ConfigError(Said("x media_upload=v1.1 needs OAuth 1.0a credentials"))
        creds = self.credentials
        auth = tweepy.OAuth1UserHandler(creds["consumer_key"], creds["consumer_secret"],
                                        creds["access_token"], creds["access_token_secret"])
        api = tweepy.API(auth, timeout=self.timeout)
        api.session = self.session
        return api

    # validation -----------------------------------------------------------------------
    def counters(self, post: RenderedPost) -> list[Counter]:
        """The weighted length (with ``thread``, the number of parts), and the media."""
        media = Counter("media", len(post.media), self.limits.max_media)
        if post.thread:
            return [Counter("thread posts", len(split_thread(post.text)),
                            self.max_thread_parts), media]
        return [Counter("text", weighted_length(post.text), MAX_WEIGHTED), media]

    def text_problems(self, post: RenderedPost) -> list[Problem]:
        """Weighted length; with ``thread``, the number of parts instead."""
        if not post.thread:
            length = weighted_length(post.text)
            if length <= MAX_WEIGHTED:
                return []
            return [Problem(PLATFORM, Said("text weighs {length} characters, limit {limit}",
                                           length=length, limit=MAX_WEIGHTED))]
        parts = len(split_thread(post.text))
        if parts > self.max_thread_parts:
            return [Problem(PLATFORM, Said("the thread needs {parts} posts, limit {limit}",
                                           parts=parts, limit=self.max_thread_parts))]
        return []

    def media_problems(self, post: RenderedPost) -> list[Problem]:
        """Up to four images or one video, never both, each a local file."""
        problems = super().media_problems(post)
        videos = sum(1 for m in post.media if m.is_video)
        if videos and videos < len(post.media):
            problems.append(Problem(PLATFORM, Said("X posts carry images or one video, not both")))
        if videos > 1:
            problems.append(Problem(PLATFORM, Said("{count} videos, limit 1", count=videos)))
        if any(not m.path for m in post.media):
            problems.append(Problem(PLATFORM, Said("X uploads media from local files only")))
        return problems

    # the wire -------------------------------------------------------------------------
    @retry_safe
    def upload(self, item: MediaItem) -> str:
        """Upload one file with its alt text; its media id."""
        try:
            return self.uploader.upload(item)
        except Exception as exc:  # noqa: BLE001 - every failure is mapped, none escapes raw
            raise upload_error(exc) from None

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

    def _create(self, text: str, media_ids: list[str] | None, reply_to: str | None,
                threaded: bool) -> str:
        """POST /2/tweets; in a thread, a duplicate refusal adopts the post already there."""
        try:
            response = self._call(self.client.create_tweet, text=text, media_ids=media_ids,
                                  in_reply_to_tweet_id=reply_to)
        except DuplicateContent:
            adopted = self._search({text}, since=None, pages=1).get(text) if threaded else None
            if adopted is None:
                raise
            return adopted
        try:
            return str(response.data["id"])
        except (KeyError, TypeError):
            raise OutcomeUnknown("accepted without a post id", platform=PLATFORM) from None

    # contract -------------------------------------------------------------------------
    def parts(self, post: RenderedPost) -> list[str]:
        """The texts to post: the thread's parts, or the text alone."""
        return split_thread(post.text) if post.thread else [post.text]

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Upload media (reusing earlier uploads), then post the text or the thread."""
        parts = self.parts(post)
        threaded = len(parts) > 1
        media_ids = None
        if post.media and not (threaded and thread_key(1) in post.uploads):
            media_ids = [self.media_id(post, m, self.upload) for m in post.media]
        ids: list[str] = []
        for number, text in enumerate(parts, 1):
            tweet_id = post.uploads.get(thread_key(number)) if threaded else None
            if tweet_id is None:
                tweet_id = self._create(text, media_ids if number == 1 else None,
                                        ids[-1] if ids else None, threaded)
                if threaded:
                    post.uploads[thread_key(number)] = tweet_id
            ids.append(tweet_id)
        answer = self.session.last_response
        return Published(external_id=ids[0], permalink=self.permalink(ids[0]),
                         quota_wait=quota_wait(answer.headers if answer is not None else {}))

    def _search(self, texts: set[str], since: datetime | None, pages: int | None = None
                ) -> dict[str, str]:
        """Post ids of the account's posts (newest first) whose text is one of ``texts``."""
        user_id, _ = self.me()

        def page(token: str | None) -> tuple[list, str | None]:
            answer = self._call(
                self.client.get_users_tweets, user_id, start_time=since, max_results=100,
                tweet_fields=["created_at"], pagination_token=token,
            )
            return answer.data or [], (answer.meta or {}).get("next_token")

        found: dict[str, str] = {}
        for tweet in self.walk_pages(page, pages):
            if tweet.text in texts:
                found.setdefault(tweet.text, str(tweet.id))
                if len(found) == len(texts):
                    break
        return found

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """The post (a thread: its first part) among the account's posts since ``since``.

        A thread counts as found only when every part is there: an incomplete one answers
        None, and publishing again continues it (see the module doc) rather than leave it
        cut short.
        """
        since = self.utc(since)
        parts = self.parts(post)
        found = self._search(set(parts), since)
        if any(part not in found for part in parts):
            return None
        first = found[parts[0]]
        return Published(external_id=first, permalink=self.permalink(first))

    # engagement -----------------------------------------------------------------------
    metrics_batch: ClassVar[int] = 100

    @retry_safe
    def _lookup(self, ids: list[str]) -> dict[str, Engagement]:
        answer = self._call(self.client.get_tweets, ids, tweet_fields=["public_metrics"])
        found = {}
        for tweet in answer.data or []:
            m = dict(tweet.public_metrics or {})
            reposts, quotes = count(m.get("retweet_count")), count(m.get("quote_count"))
            shares = None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
            found[str(tweet.id)] = Engagement(
                views=count(m.get("impression_count")), reactions=count(m.get("like_count")),
                comments=count(m.get("reply_count")), shares=shares,
                saves=count(m.get("bookmark_count")), raw=m)
        return found

    def metrics(self, external_ids) -> dict[str, Engagement]:
        """``public_metrics`` of the posts, 100 ids per request."""
        ids = [str(i) for i in external_ids]
        found: dict[str, Engagement] = {}
        for start in range(0, len(ids), self.metrics_batch):
            found.update(self._lookup(ids[start:start + self.metrics_batch]))
        return found

    @retry_safe
    def audience(self) -> int | None:
        """The account's ``followers_count``."""
        user = self._call(self.client.get_me, user_fields=["public_metrics"]).data
        return count((user.public_metrics or {}).get("followers_count"))

    def whoami(self) -> str:
        """GET /2/users/me: ``@username``."""
        return f"@{self.me()[1]}"
