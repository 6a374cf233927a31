"""An Instagram professional account through the Instagram Graph API (content publishing).

Goes through :mod:`connectors.graph` (facebook-sdk), like Facebook Pages. Publishing is
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
retryable or permanent, never unknown. Read-back: ``GET /{ig-user-id}/media?fields=id,
caption,timestamp,permalink`` (newest first). Instagram cannot publish text alone: a post
needs at least one image or video reachable by a public URL.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from connectors.base import (
    ChannelHealth,
    Connector,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.graph import Graph
from connectors.http import retry_safe
from orchestrator.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)

PLATFORM = "instagram"
FIND_PAGES = 5
HASHTAG, MENTION = re.compile(r"(?<!\w)#\w+"), re.compile(r"(?<!\w)@[\w.]+")


def graph_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):
        return None


class InstagramConnector(Connector):
    """One Instagram professional account."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=2200, max_media=10)
    max_hashtags: ClassVar[int] = 30
    max_mentions: ClassVar[int] = 20
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

    def validate(self, post: RenderedPost) -> list[Problem]:
        """Caption limits, and at least one medium with a public URL."""
        problems = super().validate(post)
        for pattern, limit, what in ((HASHTAG, self.max_hashtags, "hashtags"),
                                     (MENTION, self.max_mentions, "mentions")):
            found = len(pattern.findall(post.text))
            if found > limit:
                problems.append(Problem(PLATFORM, f"{found} {what}, limit {limit}"))
        if not post.media:
            problems.append(Problem(PLATFORM, "Instagram needs an image or a video"))
        elif len(post.media) > self.limits.max_media:
            problems.append(Problem(PLATFORM, f"{len(post.media)} media items, limit "
                                              f"{self.limits.max_media}"))
        if any(not m.url for m in post.media):
            problems.append(Problem(PLATFORM, "Instagram fetches media by public URL only"))
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
        if item.mime.startswith("video/"):
            data.update(media_type="REELS", video_url=item.url)
        else:
            data["image_url"] = item.url
            if item.alt_text:
                data["alt_text"] = item.alt_text
        return str(self.graph.post(self.user_id, "media", **data)["id"])

    @retry_safe
    def container_state(self, container: str) -> dict:
        """GET the container's status (a read: retried in the call)."""
        return self.graph.get(container, fields="status_code,status")

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

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Quota check, container(s), bounded wait, media_publish."""
        problems = [p for p in self.validate(post) if p.blocking]
        if problems:
            raise ContentRejected(problems[0].message, platform=PLATFORM)
        used, total = self.quota()
        if used >= total:
            raise RateLimited(f"publishing limit reached ({used}/{total} in 24 hours)",
                              platform=PLATFORM)
        if len(post.media) == 1:
            container = self._container(post.media[0], caption=post.text)
        else:
            children = [self._container(m, is_carousel_item="true") for m in post.media]
            for child in children:
                self.wait_finished(child)
            container = str(self.graph.post(self.user_id, "media", media_type="CAROUSEL",
                                            children=",".join(children),
                                            caption=post.text)["id"])
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
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        args: dict[str, Any] = {"fields": "id,caption,timestamp,permalink", "limit": 50}
        for _ in range(FIND_PAGES):
            page = self.graph.edge(self.user_id, "media", **args)
            for item in page.get("data", []):
                when = graph_time(item.get("timestamp"))
                if when is not None and when < since:
                    return None
                if item.get("caption", "") == post.text:
                    return Published(str(item["id"]), item.get("permalink"))
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (page.get("paging") or {}).get("next"):
                return None
            args["after"] = after
        return None

    def check(self) -> ChannelHealth:
        """GET /{ig-user-id}?fields=username; refused tokens give ok=False, outages raise."""
        try:
            user = self.graph.get(self.user_id, fields="id,username")
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=exc.detail)
        return ChannelHealth(ok=True, account=f"@{user.get('username') or self.user_id}")
