"""What each channel receives: the platform's variant where there is one, else the body.

A variant may replace the text, the title (WordPress) and add hashtags, which are appended
to the text unless it already carries them.
"""

from __future__ import annotations

from pathlib import Path

from connectors.base import MediaItem, RenderedPost
from orchestrator.domain.model import Post, PostMedia
from orchestrator.media.files import media_dir


def variant_text(post: Post, platform: str) -> str:
    """The text ``platform`` shows: its variant or the body, with its hashtags."""
    variant = _variant(post, platform)
    text = variant.get("text") or post.body
    tags = [t if t.startswith("#") else f"#{t}" for t in variant.get("hashtags", "").split()]
    missing = [t for t in tags if t not in text.split()]
    return f"{text}\n\n{' '.join(missing)}" if missing else text


def render(post: Post, platform: str, delivery_id: int = 0, *, data_dir: Path | None = None,
           media_base_url: str | None = None, uploads: dict[str, str] | None = None
           ) -> RenderedPost:
    """The exact content for ``platform``."""
    options = post.options
    return RenderedPost(
        post_id=post.id, delivery_id=delivery_id,
        title=_variant(post, platform).get("title") or post.title,
        text=variant_text(post, platform),
        media=tuple(_item(m, data_dir, media_base_url) for m in post.media),
        thread=bool(options.get("thread")), excerpt=options.get("excerpt", ""),
        categories=tuple(options.get("categories", ())), tags=tuple(options.get("tags", ())),
        uploads=dict(uploads or {}))


def idempotency_key(post: Post, delivery_id: int) -> str:
    """A key unique to this delivery of this approved content."""
    return f"siaran-{delivery_id}-{(post.approved_hash or '')[:12]}"


def _variant(post: Post, platform: str) -> dict[str, str]:
    found = post.variants.get(platform) or {}
    return {"text": found} if isinstance(found, str) else found


def _item(media: PostMedia, data_dir: Path | None, base_url: str | None) -> MediaItem:
    path = str(media_dir(data_dir) / media.digest[:2] / media.name) if data_dir else None
    url = f"{base_url.rstrip('/')}/{media.name}" if base_url else None
    return MediaItem(path=path, url=url, alt_text=media.alt_text, mime=media.mime,
                     digest=media.digest, size=media.size)
