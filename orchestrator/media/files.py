"""Media files, stored by Siaran content-addressed in the data directory.

A file is kept once, under ``media/<sha256[:2]>/<sha256><ext>``, however many posts use it.
Channels that need media by URL (Instagram) get ``SIARAN_MEDIA_BASE_URL/<sha256><ext>``:
that directory must be served at that address (``siaran media-server``, or any web server).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from connectors.errors import ValidationError

#: What Siaran accepts, recognised by the file's first bytes (not its name).
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"ftyp", 4, "video/mp4", ".mp4"),
)
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class StoredMedia:
    digest: str
    mime: str
    size: int
    ext: str

    @property
    def name(self) -> str:
        return f"{self.digest}{self.ext}"


def sniff(head: bytes) -> tuple[str, str] | None:
    """(mime, extension) from a file's first bytes, or None."""
    for magic, offset, mime, ext in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return mime, ext
    return None


def media_dir(data_dir: Path) -> Path:
    return data_dir / "media"


def path_of(data_dir: Path, media: StoredMedia) -> Path:
    return media_dir(data_dir) / media.digest[:2] / media.name


def store(data_dir: Path, source: str | Path) -> StoredMedia:
    """Copy a file into the store (once); refuses unreadable, unknown or huge files."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(f"media file {str(source)!r} does not exist")
    size = source.stat().st_size
    if size == 0 or size > MAX_BYTES:
        raise ValidationError(f"media file {source.name!r} is {size} bytes; "
                              f"accepted: 1 byte to {MAX_BYTES // 2**20} MiB")
    with open(source, "rb") as handle:
        kind = sniff(handle.read(16))
    if kind is None:
        raise ValidationError(f"media file {source.name!r} is not JPEG, PNG, GIF, WebP or MP4")
    digest = _sha256(source)
    media = StoredMedia(digest, kind[0], size, kind[1])
    target = path_of(data_dir, media)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    return media


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find(data_dir: Path, digest: str) -> StoredMedia | None:
    """The stored file with this digest, or None."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    for _magic, _offset, mime, ext in SIGNATURES:
        media = StoredMedia(digest, mime, 0, ext)
        path = path_of(data_dir, media)
        if path.is_file():
            return StoredMedia(digest, mime, path.stat().st_size, ext)
    return None
