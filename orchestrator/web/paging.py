"""Pages of lists: ``limit`` and ``offset`` in the query; the answer is the list itself (the
CLI's shape), and a ``Link: <…>; rel="next"`` header points at the next page if there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query, Request, Response

MAX = 1000
LINK = {"Link": {"description": "`<url>; rel=\"next\"` when there is a next page",
                 "schema": {"type": "string"}}}


@dataclass
class Page:
    limit: int
    offset: int

    @property
    def ask(self) -> int:
        """How many to read: one more than a page, to know whether another follows."""
        return self.limit + 1

    def cut(self, items: list, request: Request, response: Response) -> list:
        """The page; sets the Link header when more follow."""
        if len(items) > self.limit:
            url = request.url.include_query_params(limit=self.limit,
                                                   offset=self.offset + self.limit)
            response.headers["Link"] = f'<{url}>; rel="next"'
        return items[:self.limit]


def page(limit: int = Query(100, ge=1, le=MAX, description="items per page"),
         offset: int = Query(0, ge=0, le=10**9, description="items to skip")) -> Page:
    return Page(limit, offset)


def paged(description: str) -> dict:
    """The OpenAPI entry of a paged 200 answer."""
    return {200: {"description": description, "headers": LINK}}
