"""The office's WordPress site through the REST API (``wp/v2``), in plain HTTP.

Auth: an application password over HTTP Basic (``username:application_password``).
Publishing: an optional featured image first — ``POST {site}/wp-json/wp/v2/media`` with the
raw file, its ``Content-Type`` and ``Content-Disposition: attachment; filename=…`` → 201
``{"id",…}`` — then ``POST {site}/wp-json/wp/v2/posts`` (JSON ``title``, ``content``,
``status: "publish"``, ``featured_media``) → 201 with ``id`` and ``link``. Read-back:
``GET /wp-json/wp/v2/posts?search=…&after=…&context=edit`` (raw title and content).
Errors ``{"code","message","data":{"status"}}``. References:
https://developer.wordpress.org/rest-api/reference/posts/,
https://developer.wordpress.org/rest-api/reference/media/ and
https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/.

WordPress keeps no idempotency key and never refuses repeated content, so after an
unknown outcome only :meth:`find` can tell whether the post exists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from connectors.base import (
    ChannelHealth,
    Connector,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.http import PlainHttp, excerpt, redact, retry_after_header, status_error
from orchestrator.errors import AuthExpired, ContentRejected, OutcomeUnknown, PermissionDenied

PLATFORM = "wordpress"
FIND_PAGES = 5
SEARCH_WORDS = 8


class WordPressConnector(Connector):
    """One user of one WordPress site."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=1_000_000, max_media=1)
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset({"site_url", "username", "application_password"}),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        self.site = str(self.credentials["site_url"]).rstrip("/")
        self.http = PlainHttp(platform=PLATFORM, api_base=self.api_base, timeout=self.timeout)
        self.http.session.auth = (str(self.credentials["username"]),
                                  str(self.credentials["application_password"]))

    def validate(self, post: RenderedPost) -> list[Problem]:
        """One featured image at most, uploaded from a local file."""
        problems = super().validate(post)
        if len(post.media) > self.limits.max_media:
            problems.append(Problem(PLATFORM, "WordPress takes one featured image"))
        if any(not m.path for m in post.media):
            problems.append(Problem(PLATFORM, "the featured image must be a local file"))
        return problems

    def _url(self, route: str) -> str:
        return f"{self.site}/wp-json/wp/v2/{route}"

    def _json(self, response: requests.Response, publishes: bool = False) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.ok:
            if body is None:
                cls = OutcomeUnknown if publishes else ContentRejected
                raise cls("unreadable answer", platform=PLATFORM, status=response.status_code,
                          excerpt=excerpt(response))
            return body
        if isinstance(body, dict) and body.get("code"):
            detail = f"({body['code']}) {body.get('message', '')}"
        else:
            detail = f"HTTP {response.status_code}"
        raise status_error(response, detail, platform=PLATFORM,
                           retry_after=retry_after_header(response))

    def _upload(self, post: RenderedPost) -> int:
        item = post.media[0]
        headers = {"Content-Type": item.mime,
                   "Content-Disposition": f"attachment; filename*=UTF-8''"
                                          f"{quote(item.filename)}"}
        params = {"alt_text": item.alt_text} if item.alt_text else None
        response = self.http.send("POST", self._url("media"), data=item.read(),
                                  headers=headers, params=params, sent_is_unknown=False)
        return int(self._json(response)["id"])

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Upload the featured image (if any), then create the post as published."""
        problems = [p for p in self.validate(post) if p.blocking]
        if problems:
            raise ContentRejected(problems[0].message, platform=PLATFORM)
        # The slug carries the delivery's idempotency key: reconciliation looks it up exactly.
        body: dict[str, Any] = {"title": post.title, "content": post.text, "status": "publish",
                                "slug": key}
        if post.media:
            body["featured_media"] = self._upload(post)
        response = self.http.send("POST", self._url("posts"), json=body)
        created = self._json(response, publishes=True)
        try:
            return Published(external_id=str(created["id"]), permalink=created.get("link"))
        except (KeyError, TypeError):
            raise OutcomeUnknown("accepted without a post id", platform=PLATFORM) from None

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """The post whose slug is ``key``; else the same raw title and content since ``since``."""
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        marked = self._json(self.http.send(
            "GET", self._url("posts"), sent_is_unknown=False,
            params={"slug": key, "status": "publish,future", "context": "edit"}))
        if marked:
            return Published(str(marked[0]["id"]), marked[0].get("link"))
        words = (post.title or post.text).split()[:SEARCH_WORDS]
        params: dict[str, Any] = {
            "search": " ".join(words), "after": since.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S"), "status": "publish,future", "context": "edit",
            "per_page": 100,
        }
        for page in range(1, FIND_PAGES + 1):
            params["page"] = page
            response = self.http.send("GET", self._url("posts"), params=params,
                                      sent_is_unknown=False)
            items = self._json(response)
            for item in items:
                title = (item.get("title") or {}).get("raw")
                content = (item.get("content") or {}).get("raw")
                if title == post.title and content == post.text:
                    return Published(str(item["id"]), item.get("link"))
            if page >= int(response.headers.get("x-wp-totalpages", "1") or 1):
                return None
        return None

    def check(self) -> ChannelHealth:
        """GET users/me; refused passwords give ok=False, outages raise."""
        try:
            me = self._json(self.http.send("GET", self._url("users/me"), sent_is_unknown=False))
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=redact(exc.detail))
        return ChannelHealth(ok=True, account=str(me.get("name") or me.get("slug")))
