"""The WordPress REST API (``wp/v2``) as the sandbox speaks it, for sites under ``/wp-json/``.

One sandbox serves one WordPress site at its own root (a channel's ``site_url`` is the
sandbox URL); several sandbox accounts are several users of that site, told apart by the
Basic-auth user name. Endpoints — https://developer.wordpress.org/rest-api/reference/:

- ``POST /wp-json/wp/v2/posts`` (JSON or form: ``title``, ``content``, ``excerpt``,
  ``status`` publish|future|draft|pending|private, default draft; ``date_gmt``,
  ``featured_media``, ``categories``, ``tags``) → 201 with the post and ``Location``;
  a ``publish`` post dated in the future becomes ``future``
- ``GET /wp-json/wp/v2/posts`` (``search`` — every word must occur, ``after``, ``before``,
  ``status``, ``per_page``, ``page``, ``context=edit`` for raw fields; newest first;
  ``X-WP-Total``/``X-WP-TotalPages``), ``GET …/posts/{id}``
- ``POST /wp-json/wp/v2/media``: the raw file with ``Content-Type`` and
  ``Content-Disposition: attachment; filename=…``, or multipart ``file``; ``alt_text`` as
  a field (query or form) → 201; ``GET …/media/{id}``; ``POST …/media/{id}`` updates
  ``alt_text``/``caption``
- ``/wp-json/wp/v2/categories`` and ``/tags``: :mod:`connectors.sandbox.platforms.wordpress_terms`
- ``GET /wp-json/wp/v2/users/me``

Authentication is an application password over HTTP Basic (spaces in the password are
ignored, as WordPress ignores them). Errors use WordPress's envelope
``{"code","message","data":{"status"}}``: ``invalid_username`` / ``incorrect_password``
(401, from ``wp_authenticate_application_password``), ``rest_cannot_create`` (401),
``rest_forbidden`` (403), ``rest_invalid_param`` (400), ``rest_no_route`` (404),
``rest_post_exists`` (400; the sandbox's answer for a ``duplicate`` fault — WordPress
itself never refuses repeated content). WordPress core has no rate limiting; for
``rate_limit``/``quota_exhausted`` faults the sandbox answers 429 with ``Retry-After`` as a
host's limiter in front of WordPress would (body shape not confirmed).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import unquote

from connectors.errors import ConfigError
from connectors.sandbox import engagement
from connectors.sandbox.faults import FaultRule
from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.platforms.wordpress_terms import TAXONOMY, Terms
from connectors.sandbox.state import SandboxState, StoredPost
from connectors.sandbox.wire import Request, Response, iso_time

PREFIX = "/wp-json/"
POST_ID = re.compile(r"^/wp-json/wp/v2/(posts|media)/(\d+)$")
STATUSES = ("publish", "future", "draft", "pending", "private")
FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.I)
CRITICAL = ("<p>There has been a critical error on this website.</p><p><a href=\"https://"
            "wordpress.org/documentation/article/faq-troubleshooting/\">Learn more about "
            "troubleshooting WordPress.</a></p>")
STATUS_ERRORS = {
    400: ("rest_invalid_param", "Invalid parameter(s): status"),
    401: ("rest_cannot_create", "Sorry, you are not allowed to create posts as this user."),
    403: ("rest_forbidden", "Sorry, you are not allowed to do that."),
    404: ("rest_no_route", "No route was found matching the URL and request method."),
    500: ("internal_server_error", CRITICAL),
}


def wp_error(status: int, code: str, message: str, headers: dict | None = None,
             **data: Any) -> Response:
    return Response.json(status, {"code": code, "message": message,
                                  "data": {"status": status, **data}}, headers)


def wp_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class WordPressAPI(PlatformAPI):
    """The WordPress REST emulation."""

    name = "wordpress"
    title = "WordPress"
    id_key = "username"
    #: A channel's credentials also carry ``site_url``: the sandbox's own URL.
    credential_fields = ("username", "application_password")
    demo_account: ClassVar[dict[str, Any]] = {
        "username": "editor", "application_password": "abcd efgh ijkl", "user_id": 1,
        "name": "Redaksi Setneg"}
    demo_channel = "web-setneg"
    test_account: ClassVar[dict[str, Any]] = {
        "username": "humas", "application_password": "SECRET wp01 pass", "user_id": 2,
        "name": "Humas Provinsi"}
    publish_endpoint = r"^POST /wp-json/wp/v2/posts$"
    #: WordPress never refuses repeated content; its ``duplicate`` fault stands for a
    #: plugin's refusal, which the connector takes as a content refusal.
    refuses_duplicates = False
    html_statuses = (502, 503, 504)

    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.terms = Terms(state)

    @classmethod
    def channel_credentials(cls, account: dict, sandbox_url: str | None) -> dict[str, str]:
        """The user's credentials and the site's URL, which is the sandbox's."""
        if not sandbox_url:
            raise ConfigError("WordPress sandbox credentials need the sandbox URL as site_url")
        return {**super().channel_credentials(account, sandbox_url),
                "site_url": sandbox_url.rstrip("/")}

    def handles(self, req: Request) -> bool:
        return req.path.startswith(PREFIX)

    def identify(self, req: Request) -> Identity | Response:
        header = req.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return ("wordpress", "")
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return wp_error(401, "invalid_username",
                            "Unknown username. Check again or try your email address.")
        account = self.state.find_account("wordpress", lambda a: a.get("username") == user)
        if account is None:
            return wp_error(401, "invalid_username",
                            "Unknown username. Check again or try your email address.")
        given = password.replace(" ", "")
        if given != str(account.get("application_password", "")).replace(" ", ""):
            return self.token_expired(None)
        return ("wordpress", user)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None
              ) -> Response:
        return wp_error(status, STATUS_ERRORS.get(status, ("rest_error", ""))[0], message,
                        headers)

    def rate_limited(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """WordPress has no limiter: a host's in front of it answers."""
        return wp_error(429, "rest_too_many_requests", "Too many requests.",
                        {"retry-after": str(int(wait))})

    def token_expired(self, rule: FaultRule | None) -> Response:
        """The application password was revoked (also the answer to a wrong one)."""
        return wp_error(401, "incorrect_password",
                        "The provided password is an invalid application password.")

    def duplicate(self, rule: FaultRule) -> Response:
        return wp_error(400, "rest_post_exists", "Cannot create existing post.")

    def error_answer(self, status: int | None, rule: FaultRule) -> Response:
        status = status or 500
        code, message = STATUS_ERRORS.get(status, ("rest_error", "Error."))
        return wp_error(status, code, message)

    # routes ----------------------------------------------------------------------------
    def dispatch(self, req: Request, who: Identity) -> Response:
        user, path, method = who[1], req.path.rstrip("/"), req.method
        if path == "/wp-json/wp/v2/users/me" and method == "GET":
            return self._me(user)
        if path == "/wp-json/wp/v2/posts":
            if method == "POST":
                return self._create_post(req, user)
            if method == "GET":
                return self._list(req, user)
        if path == "/wp-json/wp/v2/media" and method == "POST":
            return self._upload(req, user)
        if path == "/wp-json/wp/v2/comments" and method == "GET":
            return self._comments(req)
        taxonomy = TAXONOMY.match(path)
        if taxonomy and method == "GET":
            return self.terms.list(req, taxonomy.group(1))
        if taxonomy and method == "POST":
            return self.terms.create(req, user, taxonomy.group(1))
        match = POST_ID.match(path)
        if match:
            kind, number = match.groups()
            if kind == "media" and method == "GET":
                obj = self.state.get_object("wordpress", number)
                if obj is None:
                    return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
                return Response.json(200, self._media_json(obj, req))
            if kind == "posts" and method == "GET":
                post = self.state.get_post("wordpress", number)
                if post is None or (post.extra["status"] != "publish" and not user):
                    return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
                return Response.json(200, self._post_json(post, req, bool(user)))
            if kind == "media" and method == "POST":
                return self._update_media(req, user, number)
        return wp_error(404, "rest_no_route",
                        "No route was found matching the URL and request method.")

    def _account(self, user: str) -> dict:
        return self.state.find_account("wordpress", lambda a: a.get("username") == user) or {}

    def _comments(self, req: Request) -> Response:
        """``GET /wp/v2/comments?post=ID``: approved comments, counted in ``X-WP-Total``
        (the sandbox lists none; the count grows with the post's age)."""
        post = self.state.get_post("wordpress", req.query.get("post", ""))
        total = 0 if post is None or post.extra["status"] != "publish" else engagement.metric(
            "wordpress", post.id, "comments", self.state.now() - post.time)
        try:
            per_page = max(1, min(100, int(req.query.get("per_page", 10))))
        except ValueError:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        pages = max(1, -(-total // per_page))
        return Response.json(200, [], {"x-wp-total": str(total), "x-wp-totalpages": str(pages)})

    def _me(self, user: str) -> Response:
        if not user:
            return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
        account = self._account(user)
        number = int(account.get("user_id", 1))
        return Response.json(200, {"id": number, "name": account.get("name", user), "url": "",
                                   "description": "", "link": f"/author/{user}/",
                                   "slug": user, "avatar_urls": {}})

    def _status(self, body: dict[str, Any], when: float | None) -> str | Response:
        status = str(body.get("status") or "draft")
        if status not in STATUSES:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): status",
                            params={"status": f"status is not one of {', '.join(STATUSES)}."})
        if status == "publish" and when is not None and when > self.state.now():
            return "future"
        return status

    def _create_post(self, req: Request, user: str) -> Response:
        if not user:
            return wp_error(401, "rest_cannot_create",
                            "Sorry, you are not allowed to create posts as this user.")
        body = req.json() if req.content_type == "application/json" else req.params()
        if not isinstance(body, dict):
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        when = None
        if body.get("date_gmt"):
            when = iso_time(str(body["date_gmt"]))
            if when is None:
                return wp_error(400, "rest_invalid_param", "Invalid parameter(s): date_gmt",
                                params={"date_gmt": "Invalid date."})
        status = self._status(body, when)
        if isinstance(status, Response):
            return status
        featured = int(body.get("featured_media") or 0)
        if featured and self.state.get_object("wordpress", str(featured)) is None:
            return wp_error(400, "rest_invalid_featured_media", "Invalid featured media ID.")
        extra = {"title": str(body.get("title") or ""), "excerpt": str(body.get("excerpt") or ""),
                 "status": status, "author": user, "featured_media": featured,
                 "date": when, "categories": body.get("categories") or [],
                 "tags": body.get("tags") or [],
                 "slug": self._unique_slug(str(body.get("slug") or body.get("title") or ""))}
        content = str(body.get("content") or "")
        extra["content"] = content
        # What the account holds is what readers see: HTML comments are not shown.
        post = self.state.store_post("wordpress", user, _COMMENT.sub("", content).strip(),
                                     make_id=str, extra=extra)
        assert post is not None
        return Response.json(201, self._post_json(post, req, True), {
            "location": f"{req.base_url}/wp-json/wp/v2/posts/{post.id}"})

    def _unique_slug(self, text: str) -> str:
        """The title's slug, with ``-2``, ``-3``… where another post has it (as WordPress)."""
        base = _slug(text) or "post"
        taken = {p.extra.get("slug") for p in self.state.posts("wordpress")}
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def _post_json(self, post: StoredPost, req: Request, authed: bool = False
                   ) -> dict[str, Any]:
        """A post as WordPress renders it; ``context=edit`` adds the raw fields."""
        date = wp_time(post.extra.get("date") or post.time)
        account = self._account(post.account)
        body = {
            "id": int(post.id), "date": date, "date_gmt": date,
            "guid": {"rendered": f"{req.base_url}/?p={post.id}"},
            "modified": wp_time(post.time), "modified_gmt": wp_time(post.time),
            "slug": post.extra.get("slug") or _slug(post.extra["title"]),
            "status": post.extra["status"], "type": "post",
            "link": f"{req.base_url}/?p={post.id}",
            "title": {"rendered": post.extra["title"]},
            "content": {"rendered": _content(post), "protected": False},
            "excerpt": {"rendered": post.extra["excerpt"], "protected": False},
            "author": int(account.get("user_id", 1)),
            "featured_media": post.extra["featured_media"],
            "categories": post.extra["categories"], "tags": post.extra["tags"],
        }
        if authed and req.params().get("context") == "edit":
            for name, raw in (("title", post.extra["title"]), ("content", _content(post)),
                              ("excerpt", post.extra["excerpt"])):
                body[name]["raw"] = raw  # type: ignore[index]
        return body

    def _list(self, req: Request, user: str) -> Response:
        q = req.query
        statuses = q.get("status", "publish").split(",")
        if not user and statuses != ["publish"]:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): status",
                            params={"status": "Status is forbidden."})
        after = iso_time(q["after"]) if q.get("after") else None
        before = iso_time(q["before"]) if q.get("before") else None
        terms = q.get("search", "").lower().split()
        slugs = set(filter(None, q.get("slug", "").split(",")))
        try:
            per_page = int(q.get("per_page", 10))
            page = int(q.get("page", 1))
        except ValueError:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if not 1 <= per_page <= 100 or page < 1:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page",
                            params={"per_page": "per_page must be between 1 (inclusive) "
                                                "and 100 (inclusive)"})
        everyone = sorted(self.state.posts("wordpress"), key=lambda p: int(p.id), reverse=True)
        posts = [p for p in everyone
                 if p.extra["status"] in statuses
                 and (after is None or (p.extra.get("date") or p.time) > after)
                 and (before is None or (p.extra.get("date") or p.time) < before)
                 and all(t in f"{p.extra['title']} {_content(p)}".lower() for t in terms)
                 and (not slugs or p.extra.get("slug") in slugs)]
        total = len(posts)
        pages = max(1, -(-total // per_page))
        if page > pages and total:
            return wp_error(400, "rest_post_invalid_page_number",
                            "The page number requested is larger than the number of pages "
                            "available.")
        chunk = posts[(page - 1) * per_page:page * per_page]
        return Response.json(200, [self._post_json(p, req, bool(user)) for p in chunk],
                             {"x-wp-total": str(total), "x-wp-totalpages": str(pages)})

    def _upload(self, req: Request, user: str) -> Response:
        if not user:
            return wp_error(401, "rest_cannot_create",
                            "Sorry, you are not allowed to upload media on this site.")
        file = req.files().get("file")
        if file is not None:
            data, mime, name = file.data, file.content_type, file.filename or "upload"
        else:
            if not req.body:
                return wp_error(400, "rest_upload_no_data", "No data supplied.")
            disposition = req.headers.get("content-disposition", "")
            match = FILENAME.search(disposition)
            if not match:
                return wp_error(400, "rest_upload_no_content_disposition",
                                "No Content-Disposition supplied.")
            data, mime, name = req.body, req.content_type, unquote(match.group(1))
        params = req.params()
        obj = self.state.new_object(
            "wordpress", str, owner=user, size=len(data), mime=mime or "image/jpeg",
            filename=name, alt_text=params.get("alt_text", ""))
        return Response.json(201, self._media_json(obj, req), {
            "location": f"{req.base_url}/wp-json/wp/v2/media/{obj['id']}"})

    def _media_json(self, obj: dict[str, Any], req: Request) -> dict[str, Any]:
        url = f"{req.base_url}/wp-content/uploads/{obj['filename']}"
        return {"id": int(obj["id"]), "date": wp_time(obj["created"]), "type": "attachment",
                "link": f"{req.base_url}/?attachment_id={obj['id']}",
                "title": {"rendered": obj["filename"].rsplit(".", 1)[0]},
                "author": int(self._account(obj["owner"]).get("user_id", 1)),
                "alt_text": obj["alt_text"], "media_type": obj["mime"].split("/")[0],
                "mime_type": obj["mime"], "source_url": url,
                "media_details": {"filesize": obj["size"]}}

    def _update_media(self, req: Request, user: str, number: str) -> Response:
        obj = self.state.get_object("wordpress", number)
        if obj is None:
            return wp_error(404, "rest_post_invalid_id", "Invalid post ID.")
        if not user:
            return wp_error(401, "rest_cannot_edit", "Sorry, you are not allowed to edit this "
                                                     "post.")
        body = req.json() if req.content_type == "application/json" else req.params()
        with self.state.locked():
            obj["alt_text"] = str((body or {}).get("alt_text", obj["alt_text"]))
        return Response.json(200, self._media_json(obj, req))


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _content(post: StoredPost) -> str:
    """The post's content as it was sent, HTML comments included."""
    return str(post.extra.get("content", post.text))


def _slug(text: str) -> str:
    """WordPress's sanitize_title, closely enough: accents removed, lower case, dashes
    between words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
