"""Facebook Pages through the Graph API (facebook-sdk, via :mod:`connectors.graph`).

Publishing: ``POST /{page-id}/feed`` with ``message`` and the Page access token →
``{"id": "{page-id}_{post-id}"}``; one image: ``POST /{page-id}/photos`` (``url`` or a
multipart ``source``, ``message``) → ``{"id","post_id"}``; several: each uploaded with
``published=false``, then ``/feed`` with ``attached_media=[{"media_fbid":…}]`` —
https://developers.facebook.com/docs/graph-api/reference/page/photos. Read-back for
reconciliation:
``GET /{page-id}/feed?fields=id,message,created_time,permalink_url&since=…`` —
https://developers.facebook.com/docs/graph-api/reference/page/feed
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from connectors.base import (
    ChannelHealth,
    Connector,
    MediaItem,
    PlatformLimits,
    Published,
    RenderedPost,
)
from connectors.graph import Graph, retry_after_from_usage
from orchestrator.errors import AuthExpired, OutcomeUnknown, PermissionDenied

PLATFORM = "facebook"
FEED_FIELDS = "id,message,created_time,permalink_url"
FIND_PAGES = 5


def permalink_for(post_id: str) -> str:
    """Facebook resolves ``/{page}_{post}`` to the post."""
    return f"https://www.facebook.com/{post_id}"


class FacebookConnector(Connector):
    """One Facebook Page."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=63206, max_media=10)
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

    def _photo(self, item: MediaItem, **data: Any) -> dict:
        if item.url:
            return self.graph.post(self.page_id, "photos", url=item.url, **data)
        return self.graph.upload(self.page_id, "photos",
                                 {"source": (item.filename, item.read(), item.mime)}, **data)

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """POST /{page-id}/feed, or /photos for one image, or photos + feed for several."""
        if len(post.media) == 1:
            result = self._photo(post.media[0], message=post.text)
            result = {"id": result.get("post_id")} if isinstance(result, dict) else result
        elif post.media:
            ids = [self._photo(m, published="false")["id"] for m in post.media]
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
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        args: dict[str, str | int] = {
            "fields": FEED_FIELDS, "since": int(since.timestamp()), "limit": 100,
        }
        for _ in range(FIND_PAGES):
            page = self.graph.edge(self.page_id, "feed", **args)
            for item in page.get("data", []):
                if item.get("message") == post.text:
                    post_id = str(item["id"])
                    return Published(post_id, item.get("permalink_url") or permalink_for(post_id))
            next_url = (page.get("paging") or {}).get("next")
            after = parse_qs(urlsplit(next_url).query).get("after") if next_url else None
            if not after:
                return None
            args["after"] = after[0]
        return None

    def check(self) -> ChannelHealth:
        """GET /{page-id}?fields=id,name; refused tokens give ok=False, outages raise."""
        try:
            page = self.graph.get(self.page_id, fields="id,name")
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=exc.detail)
        return ChannelHealth(ok=True, account=str(page.get("name") or page.get("id")))
