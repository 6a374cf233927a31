"""What each channel receives: the platform's variant, or the body."""

from __future__ import annotations

from connectors.base import RenderedPost
from orchestrator.domain.model import Post


def render(post: Post, platform: str, delivery_id: int = 0) -> RenderedPost:
    """The exact content for ``platform``."""
    text = post.variants.get(platform) or post.body
    return RenderedPost(post_id=post.id, delivery_id=delivery_id, title=post.title, text=text)


def idempotency_key(post: Post, delivery_id: int) -> str:
    """A key unique to this delivery of this approved content."""
    return f"siaran-{delivery_id}-{(post.approved_hash or '')[:12]}"
