"""A post being written, checked before it is saved: what each channel would receive, its
counts against the platform's limits and the rules it breaks — the same validation that
submitting and approving apply (``validation.preview``)."""

from __future__ import annotations

from collections.abc import Mapping

from orchestrator.domain.model import Post
from orchestrator.domain.states import PostStatus
from orchestrator.editorial.media import attached
from orchestrator.editorial.validation import ChannelCheck, preview
from orchestrator.runtime.context import Context


def check_draft(ctx: Context, *, title: str, text: str, pillar: str, channels: list[str],
                variants: dict[str, dict[str, str]] | None = None,
                media: list[tuple[str, str]] | None = None, options: dict | None = None,
                media_names: Mapping[str, str] | None = None) -> list[ChannelCheck]:
    """Every named channel's preview of this content; ``media`` is (stored id, alt text),
    an id the store does not hold left out; ``media_names``: the name each file was given
    (by id), which the findings call it."""
    names = media_names or {}
    found = (attached(ctx, media_id, alt, names.get(media_id, "")) for media_id, alt in media or [])
    stored = [m for m in found if m is not None]
    post = Post(id=0, title=title, pillar=pillar, body=text, status=PostStatus.DRAFT,
                scheduled_at=None, author=str(ctx.user), channels=tuple(channels),
                variants=variants or {}, media=tuple(stored), options=options or {})
    return preview(ctx, post)
