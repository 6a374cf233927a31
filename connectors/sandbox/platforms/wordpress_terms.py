"""WordPress categories and tags (``/wp/v2/categories``, ``/wp/v2/tags``) as the sandbox
speaks them — https://developer.wordpress.org/rest-api/reference/categories/ and
https://developer.wordpress.org/rest-api/reference/tags/.

- ``GET``: ``search`` (case-insensitive, in the name or slug), ``per_page`` (1–100),
  ``page``; ``X-WP-Total``/``X-WP-TotalPages``; anyone may read.
- ``POST`` ``{"name", "description", "parent"}`` (categories have ``parent``) → 201 with the
  term and ``Location``; a user is needed (401 ``rest_cannot_create``); no name → 400
  ``rest_missing_callback_param``; an existing name → 400 ``term_exists`` with
  ``data.term_id`` (WordPress ≥ 5.0 — https://core.trac.wordpress.org/changeset/43756).
  Names are stored as WordPress stores them: HTML special characters escaped.
"""

from __future__ import annotations

import html
import re
from typing import Any

from connectors.sandbox.state import SandboxState
from connectors.sandbox.wire import Request, Response

TAXONOMY = re.compile(r"^/wp-json/wp/v2/(categories|tags)$")
SINGULAR = {"categories": "category", "tags": "post_tag"}


def _error(status: int, code: str, message: str, **data: Any) -> Response:
    return Response.json(status, {"code": code, "message": message,
                                  "data": {"status": status, **data}})


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "term"


class Terms:
    """The site's categories and tags, kept as sandbox objects."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _all(self, taxonomy: str) -> list[dict[str, Any]]:
        return self.state.objects(f"wordpress-{taxonomy}")

    def _json(self, term: dict[str, Any], req: Request, taxonomy: str) -> dict[str, Any]:
        body = {"id": int(term["id"]), "count": 0, "description": term["description"],
                "link": f"{req.base_url}/{SINGULAR[taxonomy]}/{term['slug']}/",
                "name": term["name"], "slug": term["slug"], "taxonomy": SINGULAR[taxonomy],
                "meta": []}
        if taxonomy == "categories":
            body["parent"] = term["parent"]
        return body

    def list(self, req: Request, taxonomy: str) -> Response:
        q = req.query
        try:
            per_page, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        except ValueError:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if not 1 <= per_page <= 100 or page < 1:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        search = q.get("search", "").lower()
        found = [t for t in self._all(taxonomy)
                 if search in html.unescape(t["name"]).lower() or search in t["slug"]]
        chunk = found[(page - 1) * per_page:page * per_page]
        pages = max(1, -(-len(found) // per_page))
        return Response.json(200, [self._json(t, req, taxonomy) for t in chunk],
                             {"x-wp-total": str(len(found)), "x-wp-totalpages": str(pages)})

    def create(self, req: Request, user: str, taxonomy: str) -> Response:
        if not user:
            return _error(401, "rest_cannot_create",
                          "Sorry, you are not allowed to create terms in this taxonomy.")
        body = req.json() if req.content_type == "application/json" else req.params()
        name = str((body or {}).get("name") or "").strip()
        if not name:
            return _error(400, "rest_missing_callback_param", "Missing parameter(s): name",
                          params=["name"])
        stored = html.escape(name, quote=False)
        parent = int((body or {}).get("parent") or 0)
        with self.state.locked():
            same = next((t for t in self._all(taxonomy)
                         if t["name"].lower() == stored.lower() and t["parent"] == parent),
                        None)
            if same is not None:
                where = "with this parent" if taxonomy == "categories" else "in this taxonomy"
                return _error(400, "term_exists",
                              f"A term with the name provided already exists {where}.",
                              term_id=int(same["id"]))
            term = self.state.new_object(
                f"wordpress-{taxonomy}", str, name=stored, slug=slugify(name), parent=parent,
                description=str((body or {}).get("description") or ""))
        return Response.json(201, self._json(term, req, taxonomy), {
            "location": f"{req.base_url}/wp-json/wp/v2/{taxonomy}/{term['id']}"})
