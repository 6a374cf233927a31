"""Media for posts: uploads into the content-addressed store, and references to stored files.

A stored file's id is its SHA-256 digest. A post refers to stored files by id, each with its
alt text; an image without alt text is refused when the post is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from connectors.errors import NotFound, ValidationError
from connectors.wording import Said
from orchestrator.access.roles import act, authorize
from orchestrator.domain.model import PostMedia
from orchestrator.editorial.workflow import refuse
from orchestrator.media import files
from orchestrator.runtime.context import Context


def media_view(stored: files.StoredMedia) -> dict:
    return {"id": stored.digest, "mime": stored.mime, "size": stored.size, "ext": stored.ext}


def upload(ctx: Context, stream: BinaryIO, filename: str = "") -> dict:
    """Store an uploaded file (once, by content); authorised and audited like any write."""
    with ctx.db.read() as conn:
        authorize(conn, ctx.user, "media_upload")
    shown = filename or "upload"
    try:
        stored = files.store_stream(ctx.settings.data_dir, stream, shown)
    except ValidationError as error:
        raise ValidationError(error.said, [("file", error.said)]) from None
    now = ctx.now()
    with ctx.db.write() as conn:
        act(conn, user=ctx.user, action="media_upload", entity="media", entity_id=0, now=now,
            digest=stored.digest, mime=stored.mime, size=stored.size)
    return media_view(stored)


def attached(ctx: Context, media_id: str, alt: str, name: str = "") -> PostMedia | None:
    """The stored file ``media_id`` as a post's media, with its alt text and the name the
    user gave it (None: the store does not hold it)."""
    stored = files.find(ctx.settings.data_dir, media_id)
    if stored is None:
        return None
    return PostMedia(stored.digest, stored.mime, stored.size, stored.ext, alt.strip(), name)


def attachments(ctx: Context, items: list[tuple[str, str]],
                names: Mapping[str, str] | None = None) -> list[PostMedia]:
    """Stored media for a post from (id, alt text) pairs, each named as ``names`` says (by
    id); every unknown id and every image without alt text is named at once."""
    found: list[PostMedia] = []
    problems: list[tuple[str, str]] = []
    for i, (media_id, alt) in enumerate(items):
        media = attached(ctx, media_id, alt, (names or {}).get(media_id, ""))
        if media is None:
            problems.append((f"media/{i}/id", Said("no stored media with id {id!r}",
                                                    id=media_id)))
            continue
        if media.mime.startswith("image/") and not media.alt_text:
            problems.append((f"media/{i}/alt", Said("an image needs its alt text")))
        found.append(media)
    refuse(problems)
    return found


def stored_file(ctx: Context, digest: str) -> tuple[Path, str]:
    """The stored file with this id, and its type (checked by its content when it was
    stored), to show it; NotFound for an id the store does not hold."""
    stored = files.find(ctx.settings.data_dir, digest)
    if stored is None:
        raise NotFound(Said("no stored media with id {id!r}", id=digest[:64]))
    return files.path_of(ctx.settings.data_dir, stored), stored.mime
