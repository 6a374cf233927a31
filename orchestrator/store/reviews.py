"""Post review rows: the content an approval or a rejection saw."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from orchestrator.domain.model import Post
from orchestrator.domain.states import PostStatus
from orchestrator.store.schema import post_reviews, posts


@dataclass(frozen=True)
class Reviewed:
    """What a reviewer saw of a post, and what they decided."""

    post_id: int
    at: datetime
    reviewer: str
    outcome: str
    title: str
    body: str
    variants: dict


def record(conn: Connection, post: Post, *, reviewer: str, outcome: str, now: datetime
           ) -> None:
    conn.execute(insert(post_reviews).values(
        post_id=post.id, at=now, reviewer=reviewer, outcome=outcome, title=post.title,
        body=post.body, variants=json.dumps(post.variants, sort_keys=True)))


def latest(conn: Connection, post_ids: list[int]) -> dict[int, Reviewed]:
    """The latest review of each post that has one."""
    if not post_ids:
        return {}
    found: dict[int, Reviewed] = {}
    rows = conn.execute(select(post_reviews).where(post_reviews.c.post_id.in_(post_ids))
                        .order_by(post_reviews.c.id))
    for r in rows:
        found[r.post_id] = Reviewed(r.post_id, r.at, r.reviewer, r.outcome, r.title, r.body,
                                    json.loads(r.variants))
    return found


def in_review_oldest_first(conn: Connection, limit: int = 200) -> list[int]:
    """The ids of posts under review, the longest waiting first."""
    return list(conn.execute(select(posts.c.id).where(posts.c.status == PostStatus.IN_REVIEW.value)
                             .order_by(posts.c.updated_at, posts.c.id).limit(limit)).scalars())
