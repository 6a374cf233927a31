"""A Mastodon-like platform (tests only), in plain HTTP: written by following
docs/adding-a-platform.md to show what a new platform needs.

``POST /api/v2/media`` (multipart ``file``, ``description`` = alt text) → ``{"id"}``;
``POST /api/v1/statuses`` (``status``, ``media_ids[]``) → the status (``id``, ``url``);
``GET /api/v1/accounts/verify_credentials``; ``GET /api/v1/accounts/{id}/statuses``
(``limit``, ``max_id``; newest first). Auth: ``Authorization: Bearer <access_token>``.
Errors ``{"error": "…"}`` with the HTTP status.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any, ClassVar

from connectors.base import MB, Connector, MediaItem, PlatformLimits, Published, RenderedPost
from connectors.errors import OutcomeUnknown
from connectors.http import PlainHttp, retry_after_header, status_error

PLATFORM = "mastodon"
API_BASE = "https://mastodon.example"
PAGE = 40


class MastodonConnector(Connector):
    """One account on one instance."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=500, max_media=4,
                                                      max_image_bytes=16 * MB)
    #: Media not attached to a status are removed after a day.
    media_id_ttl: ClassVar[float] = 86_400.0
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (frozenset({"access_token"}),)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.http = PlainHttp(platform=PLATFORM, api_base=self.api_base, timeout=self.timeout)
        self.http.session.headers["Authorization"] = f"Bearer {self.credentials['access_token']}"

    def call(self, method: str, route: str, *, publishes: bool = False, **kwargs: Any) -> Any:
        """One request; the answer's JSON, or the platform's error mapped."""
        response = self.http.send(method, f"{API_BASE}/api/{route}", sent_is_unknown=publishes,
                                  **kwargs)
        if not response.ok:
            raise status_error(response, f"HTTP {response.status_code}", platform=PLATFORM,
                               retry_after=retry_after_header(response))
        return response.json()

    def upload(self, item: MediaItem) -> str:
        """POST the file with its alt text; the media id."""
        return str(self.call("POST", "v2/media", data={"description": item.alt_text},
                             files={"file": (item.filename, item.read(), item.mime)})["id"])

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        self.refuse_invalid(post)
        media = [self.media_id(post, item, self.upload) for item in post.media]
        status = self.call("POST", "v1/statuses", publishes=True,
                           data={"status": post.text, "media_ids[]": media})
        if not status.get("id"):
            raise OutcomeUnknown("accepted without a status id", platform=PLATFORM)
        return Published(external_id=str(status["id"]), permalink=status.get("url"))

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        me = self.call("GET", "v1/accounts/verify_credentials")["id"]

        def page(max_id: str | None) -> tuple[list, str | None]:
            params = {"limit": PAGE, **({"max_id": max_id} if max_id else {})}
            items = self.call("GET", f"v1/accounts/{me}/statuses", params=params)
            return items, str(items[-1]["id"]) if len(items) == PAGE else None

        for status in self.walk_pages(page):
            if datetime.fromisoformat(status["created_at"]) < self.utc(since):
                return None
            if status["content"] == f"<p>{html.escape(post.text)}</p>":
                return Published(str(status["id"]), status.get("url"))
        return None

    def whoami(self) -> str:
        return "@" + self.call("GET", "v1/accounts/verify_credentials")["acct"]
