"""An Instagram professional account through the Instagram Graph API (content publishing).

Goes through :mod:`connectors.platforms.graph` (facebook-sdk), like Facebook Pages. Publishing is
three steps — https://developers.facebook.com/docs/instagram-platform/content-publishing:

1. ``GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config``: stop with
   RateLimited when the rolling 24-hour quota (50 posts) is used up.
2. ``POST /{ig-user-id}/media`` → a container: ``image_url`` (or ``media_type=REELS`` +
   ``video_url``), ``caption``, ``alt_text``; several items become carousel children
   (``is_carousel_item=true``) and a ``media_type=CAROUSEL`` container with ``children``.
3. Poll ``GET /{container}?fields=status_code,status`` until ``FINISHED`` (bounded by
   :attr:`InstagramConnector.poll_timeout`), then ``POST /{ig-user-id}/media_publish`` with
   ``creation_id`` → ``{"id": media}``.

Everything before step 3's publish call creates nothing visible, so failures there are
retryable or permanent, never unknown. Containers are remembered in ``post.uploads``
(children by media digest) and reused by a retry while their status is ``IN_PROGRESS`` or
``FINISHED``; they expire after 24 hours. One video is published as a reel
(``media_type=REELS``); in a carousel a video is a ``media_type=VIDEO`` child. Alt text
(``alt_text``) exists for images only — reels and stories take none (added 2025-03-24,
same guide). Images: JPEG, at most 8 MB; reels: MP4/MOV (third-party media guides give
300 MB; Meta's reels limits are not confirmed here). Read-back: ``GET /{ig-user-id}/media?fields=id,
caption,timestamp,permalink`` (newest first). Instagram cannot publish text alone: a post
needs at least one image or video reachable by a public URL.

Engagement: ``GET /{media-id}/insights?metric=`` :data:`MEDIA_METRICS` (views, reach,
likes, comments, shares, saved), one request per media. ``views`` replaced
``impressions`` from v22.0 (2025-04-21, and for every version after) and ``engagement`` was
removed; an invalid metric fails the whole request —
https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights,
https://github.com/bufferapp/facebook-api-wrapper/pull/38,
https://github.com/gitroomhq/postiz-app/issues/622. Followers: ``GET /{ig-user-id}?fields=
followers_count``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

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
from connectors.errors import (
    ContentRejected,
    OutcomeUnknown,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.http import retry_safe
from connectors.platforms.graph import Graph
from connectors.wording import Said

PLATFORM = "instagram"
MEDIA_METRICS = ("views", "reach", "likes", "comments", "shares", "saved")
HASHTAG, MENTION = re.compile(r"(?<!\w)#\w+"), re.compile(r"(?<!\w)@[\w.]+")
LINK = re.compile(r"https?://|(?<![\w@.])www\.", re.I)


def graph_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):
        return None


#: Siaran gives media a public URL when ``SIARAN_MEDIA_BASE_URL`` says where the media
#: store is served.
PUBLIC_URL_ONLY = Said("Instagram fetches media by public URL only: set SIARAN_MEDIA_BASE_URL "
                       "to the public address of the media store")


class InstagramConnector(Connector):
    """One Instagram professional account."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_text=2200, max_media=10, image_types=frozenset({"image/jpeg"}),
        max_image_bytes=8 * MB, video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_video_bytes=300 * MB)
    max_hashtags: ClassVar[int] = 30
    max_mentions: ClassVar[int] = 20
    #: Containers expire 24 hours after creation (status ``EXPIRED``).
    media_id_ttl: ClassVar[float] = 86_400.0
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset({"ig_user_id", "access_token"}),
    )
    #: Seconds between container status polls, and the most to wait in total.
    poll_interval: float = 2.0
    poll_timeout: float = 60.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.user_id = str(self.credentials["ig_user_id"])
        self.graph = Graph(self.credentials["access_token"], platform=PLATFORM,
                           api_base=self.api_base, timeout=self.timeout)

    def counters(self, post: RenderedPost) -> list[Counter]:
        """The caption's length, its hashtags and mentions, the media."""
        return [Counter("caption", self.text_length(post.text), self.limits.max_text),
                Counter("hashtags", len(HASHTAG.findall(post.text)), self.max_hashtags),
                Counter("mentions", len(MENTION.findall(post.text)), self.max_mentions),
                Counter("media", len(post.media), self.limits.max_media)]

    def text_problems(self, post: RenderedPost) -> list[Problem]:
        """Caption length, hashtags, mentions; links are allowed but not clickable."""
        problems = super().text_problems(post)
        hashtags, mentions = len(HASHTAG.findall(post.text)), len(MENTION.findall(post.text))
        if hashtags > self.max_hashtags:
            problems.append(Problem(PLATFORM, Said("{found} hashtags, limit {limit}",
                                                   found=hashtags, limit=self.max_hashtags)))
        if mentions > self.max_mentions:
            problems.append(Problem(PLATFORM, Said("{found} mentions, limit {limit}",
                                                   found=mentions, limit=self.max_mentions)))
        if LINK.search(post.text):
            problems.append(Problem(PLATFORM, Said("links in an Instagram caption are not "
                                                   "clickable"), blocking=False))
        return problems

    def media_problems(self, post: RenderedPost) -> list[Problem]:
        """At least one medium, each reachable by a public URL."""
        problems = super().media_problems(post)
        if not post.media:
            problems.append(Problem(PLATFORM, Said("Instagram needs an image or a video")))
        if any(not m.url for m in post.media):
            problems.append(Problem(PLATFORM, PUBLIC_URL_ONLY))
        return problems

    # steps -------------------------------------------------------------------------------
    def quota(self) -> tuple[int, int]:
        """(posts published in the rolling window, the window's allowance)."""
        page = self.graph.edge(self.user_id, "content_publishing_limit",
                               fields="quota_usage,config")
        entry = (page.get("data") or [{}])[0]
        total = int((entry.get("config") or {}).get("quota_total", 50))
        return int(entry.get("quota_usage", 0)), total

    def _container(self, item: MediaItem, **data: Any) -> str:
        """Create one container: an image (with alt text), a reel, or a carousel video."""
        if item.is_video:
            carousel = data.get("is_carousel_item") == "true"
            data.update(media_type="VIDEO" if carousel else "REELS", video_url=item.url)
        else:
            data["image_url"] = item.url
            if item.alt_text:
                data["alt_text"] = item.alt_text
        return self._create(**data)

    def _create(self, **data: Any) -> str:
        try:
            return str(self.graph.post(self.user_id, "media", **data)["id"])
        except OutcomeUnknown as exc:  # a container is invisible: creating again is safe
            raise Unavailable(f"container creation failed: {exc.detail}",
                              platform=PLATFORM) from None

    @retry_safe
    def container_state(self, container: str) -> dict:
        """GET the container's status (a read: retried in the call)."""
        return self.graph.get(container, fields="status_code,status")

    def _usable(self, container: str) -> bool:
        """Can an earlier attempt's container still be published? Raises OutcomeUnknown
        when it already was; one that failed, expired or is gone is not usable."""
        try:
            code = self.container_state(container).get("status_code")
        except ContentRejected:
            return False  # unknown to the platform (deleted): nothing was published with it
        if code == "PUBLISHED":
            raise OutcomeUnknown("an earlier attempt already published this container",
                                 platform=PLATFORM)
        return code in ("IN_PROGRESS", "FINISHED")

    def _remembered(self, post: RenderedPost, key: str, create: Callable[[], str]) -> str:
        return self.reuse(post, key, create, usable=self._usable)

    def wait_finished(self, container: str) -> None:
        """Poll the container until FINISHED; ERROR/EXPIRED/too slow raise (nothing posted)."""
        deadline = time.monotonic() + self.poll_timeout
        while True:
            state = self.container_state(container)
            code = state.get("status_code")
            if code in ("FINISHED", "PUBLISHED"):
                return
            if code == "ERROR":
                raise ContentRejected(f"container failed: {state.get('status', code)}",
                                      platform=PLATFORM)
            if code == "EXPIRED":
                raise Unavailable("container expired before publishing", platform=PLATFORM)
            if time.monotonic() + self.poll_interval > deadline:
                raise Unavailable(f"container still {code} after {self.poll_timeout:.0f}s",
                                  platform=PLATFORM)
            time.sleep(self.poll_interval)

    def post_container(self, post: RenderedPost) -> str:
        """The container carrying the caption: one medium, or a carousel of children.

        Children are remembered by media digest, the captioned container under a key
        derived from caption and media, so a retry reuses what is still usable.
        """
        items = post.media
        key = "container:" + hashlib.sha256("\n".join(
            [post.text, *(m.digest or m.url or "" for m in items)]).encode()).hexdigest()[:16]
        if len(items) == 1:
            return self._remembered(post, key, lambda: self._container(
                items[0], caption=post.text))
        children = []
        for item in items:
            create = partial(self._container, item, is_carousel_item="true")
            child = self._remembered(post, item.digest, create) if item.digest else create()
            self.wait_finished(child)
            children.append(child)
        return self._remembered(post, key, lambda: self._create(
            media_type="CAROUSEL", children=",".join(children), caption=post.text))

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Quota check, container(s), bounded wait, media_publish."""
        self.refuse_invalid(post)
        used, total = self.quota()
        if used >= total:
            raise RateLimited(f"publishing limit reached ({used}/{total} in 24 hours)",
                              platform=PLATFORM)
        container = self.post_container(post)
        self.wait_finished(container)
        result = self.graph.post(self.user_id, "media_publish", creation_id=container)
        media_id = str(result.get("id") or "") if isinstance(result, dict) else ""
        if not media_id:
            raise OutcomeUnknown("accepted without a media id", platform=PLATFORM)
        return Published(external_id=media_id, permalink=self._permalink(media_id))

    def _permalink(self, media_id: str) -> str | None:
        try:
            return self.graph.get(media_id, fields="permalink").get("permalink")
        except PublishError:
            return None  # published all the same; the link can be read back later

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Look through the account's media, newest first, back to ``since``."""
        since = self.utc(since)
        args = {"fields": "id,caption,timestamp,permalink", "limit": 50}

        def page(after: str | None) -> tuple[list, str | None]:
            answer = self.graph.edge(self.user_id, "media", **args,
                                     **({"after": after} if after else {}))
            paging = answer.get("paging") or {}
            cursor = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            return answer.get("data", []), cursor or None

        for item in self.walk_pages(page):
            when = graph_time(item.get("timestamp"))
            if when is not None and when < since:
                return None
            if item.get("caption", "") == post.text:
                return Published(str(item["id"]), item.get("permalink"))
        return None

    # engagement -----------------------------------------------------------------------
    @retry_safe
    def _media_metrics(self, media_id: str) -> Engagement | None:
        try:
            answer = self.graph.edge(media_id, "insights", metric=",".join(MEDIA_METRICS))
        except ContentRejected as error:
            if "does not exist" in error.detail:
                return None
            raise
        got: dict[str, int | None] = {}
        for item in answer.get("data") or []:
            values = item.get("values") or [{}]
            got[str(item.get("name"))] = count(values[-1].get("value"))
        return Engagement(views=got.get("views"), reach=got.get("reach"),
                          reactions=got.get("likes"), comments=got.get("comments"),
                          shares=got.get("shares"), saves=got.get("saved"), raw=got)

    def metrics(self, external_ids) -> dict[str, Engagement]:
        """Media insights, one request per media."""
        return self.each_post(external_ids, self._media_metrics)

    @retry_safe
    def audience(self) -> int | None:
        """The account's ``followers_count``."""
        return self.graph.followers(self.user_id)

    def whoami(self) -> str:
        """GET /{ig-user-id}?fields=id,username: ``@username``."""
        user = self.graph.get(self.user_id, fields="id,username")
        return f"@{user.get('username') or self.user_id}"
