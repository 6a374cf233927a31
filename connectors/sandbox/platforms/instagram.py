"""The Instagram Graph API (content publishing) as the sandbox speaks it.

Requests share Graph's ``/vNN.N/`` paths with Facebook; a request belongs to Instagram
when its token is an Instagram account's ``access_token``. Endpoints —
https://developers.facebook.com/docs/instagram-platform/content-publishing:

- ``POST /{ig-user-id}/media``: ``image_url``; or ``media_type=VIDEO|REELS|STORIES`` +
  ``video_url``; or ``is_carousel_item=true`` items then ``media_type=CAROUSEL`` +
  ``children`` (2–10 ids); ``caption``, ``alt_text`` (images only) → ``{"id": container}``;
  a URL that is not http(s) answers code 9004, subcode 2207052 "The media could not be
  fetched from this URI" (the sandbox fetches nothing; any http(s) URL is taken as reachable)
- ``GET /{container-id}?fields=status_code,status``: ``IN_PROGRESS`` for the account's
  ``container_polls`` polls, then ``FINISHED`` (``ERROR``/``EXPIRED`` by fault; ``EXPIRED``
  24 hours after creation; ``PUBLISHED`` once published)
- ``POST /{ig-user-id}/media_publish?creation_id=…`` → ``{"id": media}``; a container not
  ``FINISHED`` answers code 9007, subcode 2207027 "Media ID is not available"
  (https://github.com/exileum/meta-mcp/issues/138, and the body quoted in
  https://github.com/activepieces/activepieces/issues/10389); more than the account's
  ``publish_limit`` (default 50) posts in a rolling 24 hours answers code 9, subcode
  2207042 (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
  reference/error-codes)
- ``GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`` →
  ``{"data":[{"quota_usage","config":{"quota_total","quota_duration"}}]}``
- ``GET /{ig-user-id}/media?fields=id,caption,timestamp,permalink…`` (newest first, paged),
  ``GET /{media-id}``, ``GET /{ig-user-id}?fields=username…`` (also ``followers_count``)
- ``GET /{media-id}/insights?metric=views,reach,likes,comments,shares,saved`` — numbers
  that grow with the media's age (:mod:`connectors.sandbox.engagement`); a metric no longer
  served (``impressions``, ``engagement``) refuses the whole request

Caption rules (2,200 characters, 30 hashtags, 20 mentions) come from the content-publishing
guide's limitations; the exact error Instagram gives for each is not confirmed — the sandbox
answers code 100 with the rule in the message.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from connectors.sandbox import engagement
from connectors.sandbox.faults import CONTAINER_KINDS, FaultRule
from connectors.sandbox.platform import Identity
from connectors.sandbox.platforms.graph import (
    VERSION_PATH,
    GraphBase,
    graph_error,
    graph_time,
    not_found,
    page_of,
    wanted_fields,
)
from connectors.sandbox.state import StoredPost
from connectors.sandbox.wire import Request, Response

FIRST_CONTAINER = 17_900_000_000_000_000
FIRST_MEDIA = 18_000_000_000_000_000
DAY = 24 * 3600
PUBLISH_LIMIT = 50
MAX_CAPTION, MAX_HASHTAGS, MAX_MENTIONS = 2200, 30, 20
HASHTAG, MENTION = re.compile(r"(?<!\w)#\w+"), re.compile(r"(?<!\w)@[\w.]+")
VIDEO_TYPES = ("VIDEO", "REELS", "STORIES")
SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def shortcode(media_id: str) -> str:
    number, code = int(media_id), ""
    while number:
        number, digit = divmod(number, 64)
        code = SHORTCODE[digit] + code
    return code or "A"


def not_ready() -> Response:
    return graph_error(9007, message="Media ID is not available", subcode=2207027,
                       user_title="Cannot publish",
                       user_msg="The media is not ready to be published. Please wait a moment.")


def caption_problem(caption: str) -> str | None:
    if len(caption) > MAX_CAPTION:
        return f"(#100) Param caption must be at most {MAX_CAPTION} characters long."
    if len(HASHTAG.findall(caption)) > MAX_HASHTAGS:
        return f"(#100) The caption has more than {MAX_HASHTAGS} hashtags."
    if len(MENTION.findall(caption)) > MAX_MENTIONS:
        return f"(#100) The caption has more than {MAX_MENTIONS} mentions."
    return None


class InstagramAPI(GraphBase):
    """The Instagram content-publishing emulation."""

    name = "instagram"
    title = "Instagram"
    token_field = "access_token"
    id_key = "ig_user_id"
    credential_fields = ("ig_user_id", "access_token")
    demo_account: ClassVar[dict[str, Any]] = {
        "ig_user_id": "777", "access_token": "ig-777", "username": "setneg_ri",
        "name": "Setneg Sandbox", "container_polls": 1}
    demo_channel = "ig-setneg"
    test_account: ClassVar[dict[str, Any]] = {
        "ig_user_id": "778", "access_token": "SECRET-ig-token-778", "username": "humas_prov",
        "name": "Humas Provinsi", "container_polls": 1}
    publish_endpoint = r"^POST /v[\d.]+/[^/]+/media_publish$"
    refuses_duplicates = False
    unsupported_faults: ClassVar[dict[str, str]] = {
        "duplicate": "Instagram does not refuse duplicate captions"}
    own_faults = CONTAINER_KINDS

    def handles(self, req: Request) -> bool:
        return VERSION_PATH.match(req.path) is not None and self.account_for(req) is not None

    def _account(self, ig_user: str) -> dict:
        return self.state.find_account(
            "instagram", lambda a: str(a.get("ig_user_id")) == ig_user) or {}

    def quota_exhausted(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        return self._limit_reached()

    @staticmethod
    def _limit_reached() -> Response:
        return graph_error(9, message="Application request limit reached", subcode=2207042,
                           user_title="Cannot publish", user_msg=(
                               "You reached maximum number of posts that is allowed to be "
                               "published by Content Publishing API."))

    def route(self, req: Request, ig_user: str, version: str, parts: list[str]) -> Response:
        if not parts:
            return not_found("", req.method)
        object_id = parts[0]
        if len(parts) == 2:
            if object_id not in (ig_user, "me") and parts[1] != "insights":
                return graph_error(200) if req.method == "POST" else not_found(
                    object_id, req.method)
            edge = (req.method, parts[1])
            if edge == ("POST", "media"):
                return self._create(req, ig_user)
            if edge == ("POST", "media_publish"):
                return self._publish(req, ig_user)
            if edge == ("GET", "media"):
                posts = list(reversed(self.state.posts("instagram", ig_user)))
                return page_of(req, posts, lambda p: self._media(p, req),
                               f"/{version}/{ig_user}/media")
            if edge == ("GET", "content_publishing_limit"):
                return self._limit(req, ig_user)
            if edge == ("GET", "insights"):
                return self._insights(req, ig_user, object_id)
        if len(parts) == 1 and req.method == "GET":
            return self._object(req, ig_user, object_id)
        return not_found(object_id, req.method)

    # containers ----------------------------------------------------------------------
    def _create(self, req: Request, ig_user: str) -> Response:
        p = req.params()
        caption = p.get("caption", "")
        problem = caption_problem(caption)
        if problem:
            return graph_error(100, message=problem)
        media_type = p.get("media_type", "IMAGE").upper()
        carousel_item = p.get("is_carousel_item", "").lower() == "true"
        children: list[str] = []
        if media_type == "CAROUSEL":
            children = [c for c in p.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 10:
                return graph_error(100, message="(#100) The carousel must have between 2 and "
                                                "10 children.")
            for child in children:
                obj = self.state.get_object("instagram", child)
                if obj is None or obj["owner"] != ig_user or not obj["carousel_item"]:
                    return graph_error(100, message=f"(#100) Invalid child container {child}")
        elif media_type in VIDEO_TYPES:
            if not p.get("video_url"):
                return graph_error(100, message="(#100) The parameter video_url is required")
            if p.get("alt_text"):
                return graph_error(100, message="(#100) alt_text is supported for images only")
        elif not p.get("image_url"):
            return graph_error(100, message="(#100) The parameter image_url is required")
        url = p.get("image_url") or p.get("video_url") or ""
        if url and not url.startswith(("http://", "https://")):
            return graph_error(9004, message="The media could not be fetched from this URI",
                               subcode=2207052)
        polls = int(self._account(ig_user).get("container_polls", 1))
        final = "FINISHED"
        fault = req.fault
        if fault is not None and fault.kind == "container_stuck":
            polls = 1 << 30
        elif fault is not None and fault.kind == "container_error":
            final = str(fault.params.get("status_code", "ERROR")).upper()
        obj = self.state.new_object(
            "instagram", lambda n: str(FIRST_CONTAINER + n), owner=ig_user,
            media_type=media_type, caption=caption, alt_text=p.get("alt_text", ""),
            url=p.get("image_url") or p.get("video_url"), children=children,
            carousel_item=carousel_item, polls_left=polls, final=final, status="IN_PROGRESS",
            media_id=None)
        return Response.json(200, {"id": obj["id"]})

    def _status(self, obj: dict[str, Any], poll: bool) -> str:
        """A container's status; a poll answers ``IN_PROGRESS`` while polls are left."""
        with self.state.locked():
            if obj["status"] == "PUBLISHED":
                return "PUBLISHED"
            if self.state.now() >= obj["created"] + DAY:
                obj["status"] = "EXPIRED"
            elif obj["status"] == "IN_PROGRESS":
                if obj["polls_left"] <= 0:
                    obj["status"] = obj["final"]
                elif poll:
                    obj["polls_left"] -= 1
            return obj["status"]

    def _publish(self, req: Request, ig_user: str) -> Response:
        creation = req.params().get("creation_id", "")
        obj = self.state.get_object("instagram", creation)
        if obj is None or obj["owner"] != ig_user or obj["carousel_item"]:
            return graph_error(100, message=f"(#100) Invalid parameter creation_id {creation}",
                               subcode=2207008)
        status = self._status(obj, poll=False)
        if status == "EXPIRED":
            return graph_error(-2, message="The media you are trying to access has expired. "
                                           "Please try to upload again.", subcode=2207020)
        if status == "ERROR":
            return graph_error(-1, message="Create media fail, please try to re-create media",
                               subcode=2207032)
        if status != "FINISHED" or any(
                self._status(self.state.get_object("instagram", c) or {"status": "ERROR"},
                             poll=False) != "FINISHED" for c in obj["children"]):
            return not_ready()
        limit = int(self._account(ig_user).get("publish_limit", PUBLISH_LIMIT))
        used, _ = self.state.rolling(("instagram", ig_user, "publish"), DAY, limit, take=False)
        if used >= limit:
            return self._limit_reached()
        self.state.rolling(("instagram", ig_user, "publish"), DAY, limit)
        post = self.state.store_post(
            "instagram", ig_user, obj["caption"], make_id=lambda n: str(FIRST_MEDIA + n),
            extra={"media_type": obj["media_type"], "media_url": obj["url"],
                   "alt_text": obj["alt_text"], "container": obj["id"],
                   "children": [self._child(c) for c in obj["children"]]})
        assert post is not None
        with self.state.locked():
            obj["status"], obj["media_id"] = "PUBLISHED", post.id
        return Response.json(200, {"id": post.id})

    def _child(self, container: str) -> dict[str, Any]:
        child = self.state.get_object("instagram", container) or {}
        return {k: child.get(k) for k in ("url", "media_type", "alt_text")}

    # reads ---------------------------------------------------------------------------
    def _limit(self, req: Request, ig_user: str) -> Response:
        limit = int(self._account(ig_user).get("publish_limit", PUBLISH_LIMIT))
        used, _ = self.state.rolling(("instagram", ig_user, "publish"), DAY, limit, take=False)
        values = {"quota_usage": used, "config": {"quota_total": limit, "quota_duration": DAY}}
        wanted = wanted_fields(req, ("quota_usage",))
        return Response.json(200, {"data": [{f: values[f] for f in wanted if f in values}]})

    def _media(self, post: StoredPost, req: Request) -> dict[str, Any]:
        media_type = post.extra.get("media_type", "IMAGE")
        values = {
            "id": post.id, "caption": post.text, "timestamp": graph_time(post.time),
            "permalink": f"https://www.instagram.com/p/{shortcode(post.id)}/",
            "media_type": "CAROUSEL_ALBUM" if media_type == "CAROUSEL" else (
                "VIDEO" if media_type in VIDEO_TYPES else "IMAGE"),
            "media_url": post.extra.get("media_url"), "username": self._account(
                post.account).get("username"),
        }
        return {f: values[f] for f in wanted_fields(req, ("id",)) if values.get(f)}

    def _insights(self, req: Request, ig_user: str, media_id: str) -> Response:
        """``GET /{media-id}/insights?metric=…``: one invalid metric refuses them all."""
        post = self.state.get_post("instagram", media_id)
        if post is None or post.account != ig_user:
            return not_found(media_id, req.method)
        names = [m for m in req.params().get("metric", "").split(",") if m]
        data = engagement.insights("instagram", post.id, names, engagement.INSTAGRAM_INSIGHTS,
                                   self.state.now() - post.time)
        if data is None:
            return graph_error(100, message="(#100) metric[0] must be one of the following "
                                            "values: " + ", ".join(engagement.INSTAGRAM_INSIGHTS))
        return Response.json(200, {"data": data})

    def _object(self, req: Request, ig_user: str, object_id: str) -> Response:
        if object_id in (ig_user, "me"):
            account = self._account(ig_user)
            values = {"id": ig_user, "username": account.get("username", f"ig{ig_user}"),
                      "name": account.get("name"),
                      "followers_count": engagement.followers(account, self.state.now()),
                      "media_count": len(self.state.posts("instagram", ig_user))}
            return Response.json(200, {f: values[f] for f in wanted_fields(req, ("id",))
                                       if values.get(f) is not None})
        obj = self.state.get_object("instagram", object_id)
        if obj is not None and obj["owner"] == ig_user:
            status = self._status(obj, poll=True)
            values = {"id": obj["id"], "status_code": status,
                      "status": f"{status}: Media upload has failed with error code 2207003"
                      if status == "ERROR" else status}
            return Response.json(200, {f: values[f] for f in wanted_fields(req, ("id",))
                                       if f in values})
        post = self.state.get_post("instagram", object_id)
        if post is not None and post.account == ig_user:
            return Response.json(200, self._media(post, req))
        return not_found(object_id, req.method)
