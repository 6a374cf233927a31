"""Facebook Pages through the Graph API (facebook-sdk, via :mod:`connectors.platforms.graph`).

Publishing — https://developers.facebook.com/docs/graph-api/reference/page/photos and
https://developers.facebook.com/docs/graph-api/reference/page/feed:

- text: ``POST /{page-id}/feed`` with ``message`` → ``{"id": "{page-id}_{post-id}"}``;
- one photo: ``POST /{page-id}/photos`` (``url`` or a multipart ``source``, ``message``)
  → ``{"id","post_id"}``;
- several photos: each uploaded with ``published=false`` (kept in ``post.uploads`` and
  reused by a retry, after a ``GET /{photo-id}`` shows it still exists), then ``/feed``
  with ``attached_media=[{"media_fbid":…}]``;
- one video: ``POST /{page-id}/videos`` (``file_url`` or a multipart ``source``,
  ``description``) → ``{"id": video}`` — https://developers.facebook.com/docs/graph-api/
  reference/page/videos. Photos and a video never share a post.

Photo formats JPEG, BMP, PNG, GIF, TIFF; Meta recommends photos under 4 MB (a warning
here, not a refusal) — https://developers.facebook.com/docs/graph-api/photo-uploads/.
Alt text goes in the photo's ``alt_text_custom`` (the field Meta's own tools set; its
effect through the API is not confirmed). Read-back for reconciliation:
``GET /{page-id}/feed?fields=id,message,created_time,permalink_url&since=…``.

Engagement, one request per post: ``GET /{post-id}?fields=`` :data:`METRIC_FIELDS` —
reactions and comments with their ``summary`` (``total_count``), ``shares`` (``count``;
absent when nobody shared) and, by field expansion, the post's insights. Of the post
insights only ``post_media_view`` (views) and ``post_total_media_view_unique`` (reach) are
asked for: the ``post_impressions*`` family was deprecated for every API version by
2025-06-15 / 2025-11-15 ("impressions" replaced by "views"), and one invalid metric fails
the whole request with ``(#100) The value must be a valid insights metric`` —
https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics,
https://developers.facebook.com/blog/post/2025/08/15/page-insights-api-updates/,
https://github.com/airbytehq/airbyte/pull/84408. Followers: ``GET /{page-id}?fields=
followers_count``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from connectors.base import (
    MB,
    Connector,
    Engagement,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.engagement import count
from connectors.errors import ContentRejected, OutcomeUnknown, Unavailable
from connectors.http import retry_safe
from connectors.platforms.graph import Graph, retry_after_from_usage
from connectors.wording import Said

PLATFORM = "facebook"
FEED_FIELDS = "id,message,created_time,permalink_url"
#: Post insights still served (see the module doc): views and unique viewers.
INSIGHTS = ("post_media_view", "post_total_media_view_unique")
METRIC_FIELDS = ("reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
                 f"shares,insights.metric({','.join(INSIGHTS)})")


def _total(edge: object) -> int | None:
    summary = edge.get("summary") if isinstance(edge, dict) else None
    return count(summary.get("total_count")) if isinstance(summary, dict) else None


def _insights(edge: object) -> dict[str, int | None]:
    data = edge.get("data") if isinstance(edge, dict) else None
    found: dict[str, int | None] = {}
    for item in data if isinstance(data, list) else []:
        values = item.get("values") or [{}]
        found[str(item.get("name"))] = count(values[-1].get("value"))
    return found


def engagement_of(post: dict) -> Engagement:
    """A post's answer to :data:`METRIC_FIELDS` as Engagement."""
    insights = _insights(post.get("insights"))
    reactions, comments = _total(post.get("reactions")), _total(post.get("comments"))
    # Graph leaves ``shares`` out of the answer when nobody has shared the post.
    shares = count((post.get("shares") or {}).get("count")) if "shares" in post else (
        0 if reactions is not None else None)
    return Engagement(views=insights.get(INSIGHTS[0]), reach=insights.get(INSIGHTS[1]),
                      reactions=reactions, comments=comments, shares=shares,
                      raw={"reactions": reactions, "comments": comments, "shares": shares,
                           **insights})


def permalink_for(post_id: str) -> str:
    """Facebook resolves ``/{page}_{post}`` to the post."""
    return f"https://www.facebook.com/{post_id}"


class FacebookConnector(Connector):
    """One Facebook Page."""

    platform: ClassVar[str] = PLATFORM
    #: 10 photos per post is the common ceiling of multi-photo posts; Meta documents none.
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_text=63206, max_media=10,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp",
                               "image/tiff"}),
        video_types=frozenset({"video/mp4", "video/quicktime"}))
    #: Meta's recommended photo size; larger ones get a warning.
    recommended_image_bytes: ClassVar[int] = 4 * MB
    #: Unpublished photos stay on the Page until deleted (Meta documents no expiry); a
    #: week bounds the reuse, and each reused id is checked with a GET before use.
    media_id_ttl: ClassVar[float] = 7 * 86_400.0
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset({"page_id", "page_access_token"}),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        self.page_id = str(self.credentials["page_id"])
        self.graph = Graph(
            self.credentials["page_access_token"],
            platform=PLATFORM,
            api_base=self.api_base,
            timeout=self.timeout,
        )

    def media_problems(self, post: RenderedPost) -> list[Problem]:
        """Photos or one video, never both; big photos warned about."""
        problems = super().media_problems(post)
        videos = sum(1 for m in post.media if m.is_video)
        if videos and videos < len(post.media):
            problems.append(Problem(PLATFORM, Said("a Facebook post carries photos or one "
                                                   "video, not both")))
        if videos > 1:
            problems.append(Problem(PLATFORM, Said("{count} videos, limit 1", count=videos)))
        for number, item in enumerate(post.media, 1):
            if item.is_image and item.byte_size() > self.recommended_image_bytes:
                name = Said("media {number} ({file})", number=number, file=item.filename)
                problems.append(Problem(PLATFORM, Said(
                    "{name} is over 4 MB; Facebook may compress it visibly", name=name),
                    blocking=False))
        return problems

    # uploads --------------------------------------------------------------------------
    def _send_media(self, edge: str, item: MediaItem, **data: Any) -> dict:
        url_key = "url" if edge == "photos" else "file_url"
        if item.is_image and item.alt_text:
            data["alt_text_custom"] = item.alt_text
        if item.url:
            return self.graph.post(self.page_id, edge, **{url_key: item.url}, **data)
        return self.graph.upload(self.page_id, edge,
                                 {"source": (item.filename, item.read(), item.mime)}, **data)

    @retry_safe
    def upload_unpublished(self, item: MediaItem) -> str:
        """Upload a photo to attach later (nothing is shown; safe to repeat)."""
        try:
            return str(self._send_media("photos", item, published="false")["id"])
        except OutcomeUnknown as exc:
            raise Unavailable(f"photo upload failed: {exc.detail}", platform=PLATFORM) from None

    def _still_there(self, photo_id: str) -> bool:
        try:
            self.graph.get(photo_id, fields="id")
        except ContentRejected:
            return False
        return True

    def photo_id(self, post: RenderedPost, item: MediaItem) -> str:
        """An unpublished photo's id: an earlier attempt's while it exists, else a new one."""
        return self.media_id(post, item, self.upload_unpublished, usable=self._still_there)

    # contract -------------------------------------------------------------------------
    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """/feed for text, /photos for one photo, photos + /feed for several, /videos."""
        if any(m.is_video for m in post.media):
            self.refuse_invalid(post)
            video = self._send_media("videos", post.media[0], description=post.text)
            video_id = str(video.get("id") or "") if isinstance(video, dict) else ""
            if not video_id:
                raise OutcomeUnknown("accepted without a video id", platform=PLATFORM)
            return Published(external_id=video_id,
                             permalink=f"https://www.facebook.com/{self.page_id}/videos/"
                                       f"{video_id}")
        if len(post.media) == 1:
            result = self._send_media("photos", post.media[0], message=post.text)
            result = {"id": result.get("post_id")} if isinstance(result, dict) else result
        elif post.media:
            ids = [self.photo_id(post, m) for m in post.media]
            attached = json.dumps([{"media_fbid": i} for i in ids])
            result = self.graph.post(self.page_id, "feed", message=post.text,
                                     attached_media=attached)
        else:
            result = self.graph.post(self.page_id, "feed", message=post.text)
        post_id = str(result.get("id") or "") if isinstance(result, dict) else ""
        if not post_id:
            raise OutcomeUnknown("accepted without a post id", platform=PLATFORM)
        answer = self.graph.session.last_response
        return Published(external_id=post_id, permalink=permalink_for(post_id),
                         quota_wait=retry_after_from_usage(
                             answer.headers if answer is not None else None))

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Look through the Page's feed since ``since`` for the same message."""
        since = self.utc(since)
        args = {"fields": FEED_FIELDS, "since": int(since.timestamp()), "limit": 100}

        def page(after: str | None) -> tuple[list, str | None]:
            answer = self.graph.edge(self.page_id, "feed", **args,
                                     **({"after": after} if after else {}))
            next_url = (answer.get("paging") or {}).get("next")
            cursor = parse_qs(urlsplit(next_url).query).get("after") if next_url else None
            return answer.get("data", []), cursor[0] if cursor else None

        for item in self.walk_pages(page):
            if item.get("message") == post.text:
                post_id = str(item["id"])
                return Published(post_id, item.get("permalink_url") or permalink_for(post_id))
        return None

    # engagement -----------------------------------------------------------------------
    @retry_safe
    def _post_metrics(self, post_id: str) -> Engagement | None:
        try:
            return engagement_of(self.graph.get(post_id, fields=METRIC_FIELDS))
        except ContentRejected as error:
            if "does not exist" in error.detail:
                return None
            raise

    def metrics(self, external_ids) -> dict[str, Engagement]:
        """Reactions, comments, shares and insights, one request per post."""
        return self.each_post(external_ids, self._post_metrics)

    @retry_safe
    def audience(self) -> int | None:
        """The Page's ``followers_count``."""
        return self.graph.followers(self.page_id)

    def whoami(self) -> str:
        """GET /{page-id}?fields=id,name: the Page's name."""
        page = self.graph.get(self.page_id, fields="id,name")
        return str(page.get("name") or page.get("id"))
