"""The Mastodon-like platform as the sandbox speaks it (tests only; see ``connector.py``).

Accounts are told apart by their ``access_token``; one is identified by ``account_id``.
Every fault answer is the sandbox's default, in Mastodon's ``{"error": "…"}`` envelope.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.state import StoredPost
from connectors.sandbox.wire import Request, Response

TIMELINE = re.compile(r"^/api/v1/accounts/(\w+)/statuses$")


class MastodonAPI(PlatformAPI):
    name = "mastodon"
    title = "Mastodon"
    id_key = "account_id"
    credential_fields = ("access_token",)
    demo_account: ClassVar[dict[str, Any]] = {
        "account_id": "109", "username": "setneg", "access_token": "md-109"}
    test_account: ClassVar[dict[str, Any]] = {
        "account_id": "110", "username": "humas_prov", "access_token": "SECRET-md-110"}
    publish_endpoint = r"^POST /api/v1/statuses$"
    refuses_duplicates = False

    def handles(self, req: Request) -> bool:
        return req.path.startswith("/api/")

    def identify(self, req: Request) -> Identity | Response:
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        account = self.state.find_account(self.name, lambda a: a.get("access_token") == token)
        if account is None:
            return self.error(401, "The access token is invalid")
        return (self.name, self.account_id(account))

    def dispatch(self, req: Request, who: Identity) -> Response:
        account = self.state.find_account(self.name, lambda a: self.account_id(a) == who[1])
        route = (req.method, req.path)
        if route == ("GET", "/api/v1/accounts/verify_credentials"):
            return Response.json(200, {"id": who[1], "acct": account["username"]})
        if route == ("POST", "/api/v2/media"):
            file = req.files().get("file")
            if file is None:
                return self.error(422, "Validation failed: File can't be blank")
            made = self.state.new_object(self.name, str, owner=who[1],
                                         description=req.params().get("description", ""))
            return Response.json(200, {"id": made["id"], "type": "image"})
        if route == ("POST", "/api/v1/statuses"):
            return self._status(req, who[1])
        timeline = TIMELINE.match(req.path)
        if timeline and req.method == "GET":
            return self._timeline(req, timeline.group(1))
        return self.error(404, "Record not found")

    def _status(self, req: Request, account: str) -> Response:
        text = req.params().get("status", "")
        media = [v for k, v in _pairs(req) if k == "media_ids[]"]
        if any(self.state.get_object(self.name, m) is None for m in media):
            return self.error(422, "Validation failed: Media ids are invalid")
        post = self.state.store_post(self.name, account, text, make_id=str, extra={
            "media": [self.state.get_object(self.name, m) for m in media]})
        assert post is not None
        return Response.json(200, self._json(post))

    def _timeline(self, req: Request, account: str) -> Response:
        max_id = int(req.query.get("max_id") or 0)
        posts = [p for p in reversed(self.state.posts(self.name, account))
                 if not max_id or int(p.id) < max_id]
        return Response.json(200, [self._json(p) for p in
                                   posts[:int(req.query.get("limit", 20))]])

    def _json(self, post: StoredPost) -> dict[str, Any]:
        return {"id": post.id, "content": f"<p>{html.escape(post.text)}</p>",
                "created_at": datetime.fromtimestamp(post.time, UTC).isoformat(),
                "url": f"https://mastodon.example/@{post.account}/{post.id}"}


def _pairs(req: Request) -> list[tuple[str, str]]:
    """Every form or multipart field, repeated names kept (``media_ids[]``)."""
    if req.content_type.startswith("multipart/"):
        return [(p.name, p.text) for p in req.parts() if p.filename is None]
    return parse_qsl(req.body.decode(), keep_blank_values=True)
