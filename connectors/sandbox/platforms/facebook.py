"""The Graph API for Facebook Pages as the sandbox speaks it (plumbing in ``graph_base``).

Endpoints, all under ``/vNN.N/``:

- ``POST /{page-id}/feed``: ``message``, ``link``, ``published`` (default true),
  ``scheduled_publish_time`` (with ``published=false``; 10 minutes to 30 days ahead),
  ``attached_media`` (JSON ``[{"media_fbid": …}]`` or ``attached_media[N]`` fields) →
  ``{"id":"{page}_{post}"}`` — https://developers.facebook.com/docs/graph-api/reference/page/feed
- ``POST /{page-id}/photos``: ``url`` or multipart ``source``, ``message``/``caption``,
  ``published``, ``alt_text_custom`` → ``{"id","post_id"}`` (``{"id"}`` alone when
  unpublished, to attach later)
  — https://developers.facebook.com/docs/graph-api/reference/page/photos
- ``POST /{page-id}/videos``: ``file_url`` or multipart ``source``, ``description``,
  ``title``, ``published`` → ``{"id"}`` — https://developers.facebook.com/docs/video-api
- ``GET /{page-id}/feed`` (also ``/posts``, ``/published_posts``; ``/scheduled_posts`` for
  the unpublished) with ``fields``, ``since``, ``until``, ``limit``, ``after``
- ``GET /{page-id}``, ``GET /{post-id}``, ``GET /{photo-or-video-id}`` (``id``,
  ``created_time``, ``alt_text_custom``, ``post_id`` once published, ``permalink_url``)

A scheduled post counts as published once the sandbox clock passes its time. Identical
published text on a Page is refused with code 506.

Engagement on ``GET /{post-id}``: ``reactions`` and ``comments`` with ``.summary(
total_count)`` (``{"data":[],"summary":{"total_count"}}``), ``shares`` (``{"count"}``,
left out while nobody shared) and ``insights.metric(…)`` with the post metrics still
served (:data:`connectors.sandbox.engagement.FACEBOOK_INSIGHTS`; any other, the deprecated
``post_impressions*`` among them, fails the whole request with ``(#100) The value must be a
valid insights metric``). ``GET /{page-id}?fields=followers_count``. Numbers grow with the
post's age (:mod:`connectors.sandbox.engagement`).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from connectors.sandbox import engagement
from connectors.sandbox.platforms.graph import (
    VERSION_PATH,
    GraphBase,
    field_name,
    graph_error,
    graph_time,
    not_found,
    page_of,
    parse_when,
    split_fields,
    wanted_fields,
)
from connectors.sandbox.state import StoredPost
from connectors.sandbox.wire import Request, Response

FIRST_POST = 100_000_000_000_000
FIRST_MEDIA = 200_000_000_000_000
FEED_EDGES = ("feed", "posts", "published_posts", "scheduled_posts")
DEFAULT_FIELDS = ("created_time", "message", "id")
MIN_SCHEDULE, MAX_SCHEDULE = 10 * 60, 30 * 24 * 3600


def truthy(value: str | None, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    return value.lower() not in ("false", "0", "no")


def attached_ids(params: dict[str, str]) -> list[str] | None:
    """``media_fbid`` values of ``attached_media`` (None when malformed)."""
    items: list[Any] = []
    raw = params.get("attached_media")
    try:
        if raw:
            items = json.loads(raw)
        items += [json.loads(v) for k, v in sorted(params.items())
                  if k.startswith("attached_media[")]
        return [str(i["media_fbid"]) for i in items]
    except (ValueError, TypeError, KeyError):
        return None


class GraphAPI(GraphBase):
    """The Graph emulation for Facebook Pages."""

    name = "facebook"
    title = "Facebook"
    token_field = "page_access_token"
    id_key = "page_id"
    credential_fields = ("page_id", "page_access_token")
    demo_account: ClassVar[dict[str, Any]] = {
        "page_id": "555", "page_access_token": "pt-555", "name": "Setneg Sandbox"}
    demo_channel = "fb-setneg"
    test_account: ClassVar[dict[str, Any]] = {
        "page_id": "556", "page_access_token": "SECRET-page-token-556",
        "name": "Humas Provinsi"}
    #: Every Graph path is Facebook's unless another Graph platform claims it by token.
    fallback = True
    publish_endpoint = r"^POST /v[\d.]+/[^/]+/(feed|photos|videos)$"

    def handles(self, req: Request) -> bool:
        return VERSION_PATH.match(req.path) is not None

    def route(self, req: Request, page_id: str, version: str, parts: list[str]) -> Response:
        if not parts:
            return not_found("", req.method)
        object_id = parts[0]
        if len(parts) == 2 and (parts[1] in FEED_EDGES or parts[1] in ("photos", "videos")):
            if object_id not in (page_id, "me"):
                return graph_error(200) if req.method == "POST" else not_found(
                    object_id, req.method)
            if req.method == "POST" and parts[1] == "feed":
                return self._publish(req, page_id)
            if req.method == "POST" and parts[1] in ("photos", "videos"):
                return self._upload(req, page_id, parts[1])
            if req.method == "GET" and parts[1] in FEED_EDGES:
                return self._feed(req, page_id, version, parts[1])
        if len(parts) == 1 and req.method == "GET":
            return self._object(req, page_id, object_id)
        return not_found(object_id, req.method)

    def _store(self, page_id: str, message: str, extra: dict[str, Any], unique: bool
               ) -> StoredPost | None:
        return self.state.store_post(
            "facebook", page_id, message, unique=unique,
            make_id=lambda n: f"{page_id}_{FIRST_POST + n}", extra=extra)

    def _publish(self, req: Request, page_id: str) -> Response:
        params = req.params()
        message, link = params.get("message", ""), params.get("link", "")
        media = attached_ids(params)
        if media is None:
            return graph_error(100, message="(#100) param attached_media must be an array of "
                                            "objects with media_fbid")
        for media_id in media:
            obj = self.state.get_object("facebook", media_id)
            if obj is None or obj["owner"] != page_id:
                return graph_error(100, message=f"(#100) Invalid media_fbid {media_id}")
        if not message and not link and not media:
            return graph_error(100, message="(#100) Missing message or attachment")
        published = truthy(params.get("published"))
        extra: dict[str, Any] = {"published": published}
        if link:
            extra["link"] = link
        if media:
            extra["media"] = [self.state.get_object("facebook", m) for m in media]
        when = params.get("scheduled_publish_time")
        if when:
            at = parse_when(when)
            now = self.state.now()
            if published or at is None or not now + MIN_SCHEDULE <= at <= now + MAX_SCHEDULE:
                return graph_error(100, message="(#100) The specified scheduled publish time "
                                                "is invalid.")
            extra["scheduled_publish_time"] = at
        post = self._store(page_id, message, extra, unique=bool(message) and published)
        if post is None:
            return graph_error(506)
        return Response.json(200, {"id": post.id})

    def _upload(self, req: Request, page_id: str, edge: str) -> Response:
        params, files = req.params(), req.files()
        url_key = "url" if edge == "photos" else "file_url"
        source = files.get("source")
        if source is None and not params.get(url_key):
            return graph_error(100, message=f"(#100) Missing {url_key} or source")
        text = params.get("message") or params.get("caption") or params.get("description", "")
        kind = "photo" if edge == "photos" else "video"
        obj = self.state.new_object(
            "facebook", lambda n: str(FIRST_MEDIA + n), owner=page_id, kind=kind,
            url=params.get(url_key), size=len(source.data) if source else None,
            mime=source.content_type if source else None, title=params.get("title"),
            alt_text=params.get("alt_text_custom", ""), post_id=None)
        if not truthy(params.get("published")):
            return Response.json(200, {"id": obj["id"]})
        post = self._store(page_id, text, {"published": True, "media": [obj]}, unique=False)
        assert post is not None
        with self.state.locked():
            obj["post_id"] = post.id
        if edge == "videos":
            return Response.json(200, {"id": obj["id"]})
        return Response.json(200, {"id": obj["id"], "post_id": post.id})

    def _published(self, post: StoredPost) -> bool:
        at = post.extra.get("scheduled_publish_time")
        return post.extra.get("published", True) or (at is not None and at <= self.state.now())

    def _fields(self, post: StoredPost, req: Request) -> dict[str, Any]:
        page_id, _, number = post.id.partition("_")
        values = {
            "id": post.id,
            "message": post.text,
            "created_time": graph_time(post.time),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{number}",
            "link": post.extra.get("link"),
            "is_published": self._published(post),
            "scheduled_publish_time": post.extra.get("scheduled_publish_time"),
        }
        return {f: values[f] for f in wanted_fields(req, DEFAULT_FIELDS)
                if values.get(f) not in (None, "")}

    def _feed(self, req: Request, page_id: str, version: str, edge: str) -> Response:
        params = req.params()
        since, until = parse_when(params.get("since")), parse_when(params.get("until"))
        scheduled = edge == "scheduled_posts"
        posts = [p for p in reversed(self.state.posts("facebook", page_id))
                 if self._published(p) != scheduled
                 and (since is None or p.time >= since) and (until is None or p.time <= until)]
        return page_of(req, posts, lambda p: self._fields(p, req),
                       f"/{version}/{page_id}/{edge}")

    def _object(self, req: Request, page_id: str, object_id: str) -> Response:
        if object_id in (page_id, "me"):
            page = self.state.find_account(
                "facebook", lambda a: str(a.get("page_id")) == page_id) or {}
            values = {"id": page_id, "name": page.get("name", f"Page {page_id}"),
                      "followers_count": engagement.followers(page, self.state.now())}
            wanted = wanted_fields(req, ("name", "id"))
            return Response.json(200, {f: values[f] for f in wanted if f in values})
        post = self.state.get_post("facebook", object_id)
        if post is not None and post.account == page_id:
            found = self._engagement(post, req)
            if isinstance(found, Response):
                return found
            return Response.json(200, {**self._fields(post, req), **found})
        obj = self.state.get_object("facebook", object_id)
        if obj is not None and obj["owner"] == page_id:
            edge = "videos" if obj["kind"] == "video" else "photos"
            values = {"id": obj["id"], "created_time": graph_time(obj["created"]),
                      "alt_text_custom": obj["alt_text"], "post_id": obj["post_id"],
                      "permalink_url": f"https://www.facebook.com/{page_id}/{edge}/{obj['id']}"}
            return Response.json(200, {f: values[f] for f in wanted_fields(req, ("id",))
                                       if values.get(f)})
        return not_found(object_id, req.method)


    def _engagement(self, post: StoredPost, req: Request) -> dict[str, Any] | Response:
        """The engagement fields asked for (reactions, comments, shares, insights)."""
        age, found = self.state.now() - post.time, {}
        for field in split_fields(req.params().get("fields", "")):
            name = field_name(field)
            if name in ("reactions", "comments"):
                total = engagement.metric("facebook", post.id,
                                          "likes" if name == "reactions" else name, age)
                found[name] = {"data": [], "summary": {"total_count": total}}
            elif name == "shares":
                shares = engagement.metric("facebook", post.id, "shares", age)
                if shares:
                    found["shares"] = {"count": shares}
            elif name == "insights":
                data = engagement.insights("facebook", post.id, engagement.metric_list(field),
                                           engagement.FACEBOOK_INSIGHTS, age)
                if data is None:
                    return graph_error(100, message="(#100) The value must be a valid "
                                                    "insights metric")
                found["insights"] = {"data": data}
        return found
