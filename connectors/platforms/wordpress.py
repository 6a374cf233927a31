"""The office's WordPress site through the REST API (``wp/v2``), in plain HTTP.

Auth: an application password over HTTP Basic (``username:application_password``).
Publishing: the first image as featured image — ``POST {site}/wp-json/wp/v2/media`` with
the raw file, its ``Content-Type``, ``Content-Disposition: attachment; filename=…`` and the
media endpoint's ``alt_text`` field → 201 ``{"id",…}`` (remembered in ``post.uploads``, and
reused by a retry once ``GET /media/{id}`` shows it still exists); category and tag names
resolved to ids with ``GET /wp/v2/categories?search=…`` (``/tags``), missing ones created
with ``POST`` (``{"name"}`` → 201; a name created meanwhile answers 400 ``term_exists``
with ``data.term_id`` — https://core.trac.wordpress.org/changeset/43756); then
``POST {site}/wp-json/wp/v2/posts`` (JSON ``title``, ``content``, ``excerpt``,
``status: "publish"``, ``featured_media``, ``categories``, ``tags``) → 201 with ``id``
and ``link``, the article's public address; WordPress derives the slug from the title.
Read-back: ``GET /wp-json/wp/v2/posts?search=…&after=…&context=edit`` (raw title and
content); the delivery's idempotency key is an HTML comment at the end of the content.
Errors ``{"code","message","data":{"status"}}``. References:
https://developer.wordpress.org/rest-api/reference/posts/,
https://developer.wordpress.org/rest-api/reference/media/,
https://developer.wordpress.org/rest-api/reference/categories/ and
https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/.

WordPress keeps no idempotency key and never refuses repeated content, so after an
unknown outcome only :meth:`find` can tell whether the post exists.

Engagement: the approved comments of a post, ``GET /wp/v2/comments?post=ID&per_page=1``,
read from the ``X-WP-Total`` header (one request per post) —
https://developer.wordpress.org/rest-api/reference/comments/ and
https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/. WordPress counts
no views or followers of its own (statistics plugins do): those stay None.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from connectors.base import (
    MB,
    PERMANENT,
    Connector,
    Engagement,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.engagement import count
from connectors.errors import ContentRejected, OutcomeUnknown, PermanentError
from connectors.http import (
    PlainHttp,
    excerpt,
    json_or_none,
    retry_after_header,
    status_error,
)
from connectors.wording import Said

PLATFORM = "wordpress"
SEARCH_WORDS = 8


class WordPressConnector(Connector):
    """One user of one WordPress site."""

    platform: ClassVar[str] = PLATFORM
    #: The upload limit is the site's PHP setting; 64 MB is a common host default.
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_text=1_000_000, max_media=1,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_image_bytes=64 * MB)
    #: Media library items stay until deleted; a reused id is checked with a GET first.
    media_id_ttl: ClassVar[float] = PERMANENT
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset({"site_url", "username", "application_password"}),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        self.site = str(self.credentials["site_url"]).rstrip("/")
        self.http = PlainHttp(platform=PLATFORM, api_base=self.api_base, timeout=self.timeout)
        self.http.session.auth = (str(self.credentials["username"]),
                                  str(self.credentials["application_password"]))

    def media_problems(self, post: RenderedPost) -> list[Problem]:
        """The first image becomes the featured image (a local file); others are left out."""
        problems = self.item_problems(1, post.media[0]) if post.media else []
        if post.media and not post.media[0].path:
            problems.append(Problem(PLATFORM, Said("the featured image must be a local file")))
        if len(post.media) > self.limits.max_media:
            problems.append(Problem(PLATFORM, Said(
                "only the first image becomes the featured image; {count} other media items "
                "are not published", count=len(post.media) - 1), blocking=False))
        return problems

    def _url(self, route: str) -> str:
        return f"{self.site}/wp-json/wp/v2/{route}"

    def _json(self, response: requests.Response, publishes: bool = False) -> Any:
        body = json_or_none(response)
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

    def _read(self, route: str, **params: Any) -> Any:
        return self._json(self.http.send("GET", self._url(route), params=params or None,
                                         sent_is_unknown=False))

    # media and terms --------------------------------------------------------------------
    def upload(self, item: MediaItem) -> str:
        """POST the raw file to /media with its alt text; the attachment id."""
        headers = {"Content-Type": item.mime,
                   "Content-Disposition": f"attachment; filename*=UTF-8''"
                                          f"{quote(item.filename)}"}
        params = {"alt_text": item.alt_text} if item.alt_text else None
        response = self.http.send("POST", self._url("media"), data=item.read(),
                                  headers=headers, params=params, sent_is_unknown=False)
        return str(self._json(response)["id"])

    def _still_there(self, media_id: str) -> bool:
        try:
            self._read(f"media/{media_id}", context="edit")
        except PermanentError as exc:
            if exc.status != 404:  # 404 rest_post_invalid_id: deleted meanwhile
                raise
            return False
        return True

    def featured_id(self, post: RenderedPost) -> int:
        """The featured image's id: an earlier attempt's while it exists, else a new upload."""
        return int(self.media_id(post, post.media[0], self.upload, usable=self._still_there))

    def term_id(self, taxonomy: str, name: str) -> int:
        """The id of the category or tag called ``name``, created when the site lacks it."""
        for term in self._read(taxonomy, search=name, per_page=100):
            if html.unescape(str(term.get("name", ""))).casefold() == name.casefold():
                return int(term["id"])
        response = self.http.send("POST", self._url(taxonomy), json={"name": name},
                                  sent_is_unknown=False)
        body = json_or_none(response)
        if isinstance(body, dict) and body.get("code") == "term_exists":
            return int((body.get("data") or {})["term_id"])  # created meanwhile
        return int(self._json(response)["id"])

    # contract ---------------------------------------------------------------------------
    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Featured image and terms first, then the post, created as published."""
        self.refuse_invalid(post)
        # WordPress makes the public slug from the title. The idempotency key rides in an HTML
        # comment at the end of the content, which readers never see and search finds.
        body: dict[str, Any] = {"title": post.title, "content": post.text + marker(key),
                                "status": "publish"}
        if post.excerpt:
            body["excerpt"] = post.excerpt
        if post.media:
            body["featured_media"] = self.featured_id(post)
        if post.categories:
            body["categories"] = [self.term_id("categories", n) for n in post.categories]
        if post.tags:
            body["tags"] = [self.term_id("tags", n) for n in post.tags]
        response = self.http.send("POST", self._url("posts"), json=body)
        created = self._json(response, publishes=True)
        try:
            return Published(external_id=str(created["id"]), permalink=created.get("link"))
        except (KeyError, TypeError):
            raise OutcomeUnknown("accepted without a post id", platform=PLATFORM) from None

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """The post whose content carries ``key``'s marker (or, published before markers,
        whose slug is ``key``); else the same raw title and content since ``since``."""
        since = self.utc(since)
        for params in ({"search": key}, {"slug": key}):
            found = self._json(self.http.send(
                "GET", self._url("posts"), sent_is_unknown=False,
                params={**params, "status": "publish,future", "context": "edit"}))
            for item in found or ():
                raw = (item.get("content") or {}).get("raw") or ""
                if marker(key) in raw or item.get("slug") == key:
                    return Published(str(item["id"]), item.get("link"))
        words = (post.title or post.text).split()[:SEARCH_WORDS]
        params: dict[str, Any] = {
            "search": " ".join(words), "after": since.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S"), "status": "publish,future", "context": "edit",
            "per_page": 100,
        }

        def page(number: int | None) -> tuple[list, int | None]:
            number = number or 1
            response = self.http.send("GET", self._url("posts"), sent_is_unknown=False,
                                      params={**params, "page": number})
            last = int(response.headers.get("x-wp-totalpages", "1") or 1)
            return self._json(response), number + 1 if number < last else None

        for item in self.walk_pages(page):
            title = (item.get("title") or {}).get("raw")
            content = (item.get("content") or {}).get("raw")
            if title == post.title and _unmarked(content) == post.text:
                return Published(str(item["id"]), item.get("link"))
        return None

    # engagement -----------------------------------------------------------------------
    def metrics(self, external_ids) -> dict[str, Engagement]:
        """Each post's approved comments (``X-WP-Total``), one request per post."""
        found = {}
        for post_id in map(str, external_ids):
            response = self.http.send("GET", self._url("comments"),
                                      params={"post": post_id, "per_page": 1},
                                      sent_is_unknown=False)
            self._json(response)
            total = count(response.headers.get("x-wp-total"))
            found[post_id] = Engagement(comments=total, raw={"comments": total})
        return found

    def whoami(self) -> str:
        """GET users/me: the user's name."""
        me = self._json(self.http.send("GET", self._url("users/me"), sent_is_unknown=False))
        return str(me.get("name") or me.get("slug"))


def marker(key: str) -> str:
    """The HTML comment that carries a delivery's idempotency key in the article.

    WordPress's content filter keeps comments but folds ``--`` inside them, and Siaran's
    keys have single dashes only."""
    return f"\n<!-- siaran:{key} -->"


_MARKER = re.compile(r"\n?<!-- siaran:[\w-]+ -->$")


def _unmarked(content: str | None) -> str | None:
    """Raw content without the marker Siaran appended."""
    return None if content is None else _MARKER.sub("", content)
