"""The review queue: posts waiting for an approver, the longest waiting first, each with
what changed since it was last reviewed.

Every approval and rejection keeps the content it saw (``store.reviews``); when a post comes
back to review (edited after a rejection), the queue shows a word-level difference of its
title, text and per-platform texts against that content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orchestrator.domain.model import Post
from orchestrator.domain.worddiff import Piece, changed, word_diff
from orchestrator.runtime.context import Context
from orchestrator.store import audit, reviews
from orchestrator.store import posts as post_rows
from orchestrator.store.reviews import Reviewed


@dataclass(frozen=True)
class FieldDiff:
    """One field's change: ``title``, ``text`` or ``variants/<platform>``."""

    field: str
    pieces: list[Piece]


@dataclass(frozen=True)
class Waiting:
    """A post under review, who submitted it when, and its changes since the last review."""

    post: Post
    submitted_by: str | None
    submitted_at: datetime | None
    last_review: Reviewed | None
    #: The reason of the last rejection, when that was the last review.
    rejection_reason: str | None
    changes: list[FieldDiff]


def queue(ctx: Context, limit: int = 200) -> list[Waiting]:
    """Posts under review, the longest waiting first."""
    with ctx.db.read() as conn:
        ids = reviews.in_review_oldest_first(conn, limit)
        posts = [post_rows.get(conn, i) for i in ids]
        last = reviews.latest(conn, ids)
        trails = audit.events_of_many(conn, "post", ids)
    return [_waiting(p, last.get(p.id), trails[p.id]) for p in posts]


def _waiting(post: Post, last: Reviewed | None, trail: list[dict]) -> Waiting:
    submits = [e for e in trail if e["action"] == "submit"]
    rejects = [e for e in trail if e["action"] == "reject"]
    reason = (rejects[-1]["detail"].get("reason")
              if rejects and last is not None and last.outcome == "reject" else None)
    return Waiting(post, submits[-1]["actor"] if submits else None,
                   _when(submits[-1]["at"]) if submits else None, last, reason,
                   differences(last, post) if last is not None else [])


def differences(before: Reviewed, post: Post) -> list[FieldDiff]:
    """The fields of ``post`` that differ from what the reviewer saw, word by word."""
    found = [FieldDiff(name, word_diff(old, new))
             for name, old, new in (("title", before.title, post.title),
                                    ("text", before.body, post.body))]
    for platform in sorted(set(before.variants) | set(post.variants)):
        old, new = _variant_text(before.variants, platform), _variant_text(post.variants,
                                                                             platform)
        found.append(FieldDiff(f"variants/{platform}", word_diff(old, new)))
    return [f for f in found if changed(f.pieces)]


def _variant_text(variants: dict, platform: str) -> str:
    found = variants.get(platform) or {}
    return found if isinstance(found, str) else found.get("text", "")


def _when(at: object) -> datetime | None:
    if isinstance(at, datetime):
        return at
    return datetime.fromisoformat(str(at)) if at else None
