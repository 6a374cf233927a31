"""Media files, stored by Siaran content-addressed in the data directory.

A file is kept once, under ``media/<sha256[:2]>/<sha256><ext>``, however many posts use it.
Channels that need media by URL (Instagram) get ``SIARAN_MEDIA_BASE_URL/<sha256><ext>``:
that directory must be served at that address (``siaran media-server`` behind a web
server, or the web server itself).

The store is private (directories 0700, files 0600) unless ``SIARAN_MEDIA_DIR`` names a
directory outside the data directory for a web server to serve: ``<data dir>/media`` is
then a link to it, and files and directories take that directory's read permissions
(0644 and 0755 when Siaran creates it).

A file is read through one open descriptor: the type is recognised from its first bytes,
the copy is hashed and counted as it is written, and a file that grows past the limit
while being copied is refused, so what is stored is exactly what was hashed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from connectors.errors import ConfigError, ValidationError
from connectors.wording import Said
from orchestrator.store.private import private_dir

#: What Siaran accepts, recognised by the file's first bytes (not its name): every
#: (offset, magic) pair of a kind must match.
SIGNATURES: tuple[tuple[tuple[tuple[int, bytes], ...], str, str], ...] = (
    (((0, b"\xff\xd8\xff"),), "image/jpeg", ".jpg"),
    (((0, b"\x89PNG\r\n\x1a\n"), (12, b"IHDR")), "image/png", ".png"),
    (((0, b"GIF87a"),), "image/gif", ".gif"),
    (((0, b"GIF89a"),), "image/gif", ".gif"),
    (((0, b"RIFF"), (8, b"WEBPVP8")), "image/webp", ".webp"),
    (((4, b"ftyp"),), "video/mp4", ".mp4"),
)
HEAD_BYTES = 16
MAX_BYTES = 512 * 1024 * 1024
BLOCK = 1 << 20
SHARED_DIR_MODE = 0o755


@dataclass(frozen=True)
class StoredMedia:
    digest: str
    mime: str
    size: int
    ext: str
    #: The name of the file the user gave (the same content stored twice is one file).
    source_name: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        return f"{self.digest}{self.ext}"


def sniff(head: bytes) -> tuple[str, str] | None:
    """(mime, extension) from a file's first bytes, or None."""
    for parts, mime, ext in SIGNATURES:
        if all(head[at:at + len(magic)] == magic for at, magic in parts):
            return mime, ext
    return None


def media_dir(data_dir: Path) -> Path:
    return data_dir / "media"


def path_of(data_dir: Path, media: StoredMedia) -> Path:
    return media_dir(data_dir) / media.digest[:2] / media.name


def prepare(data_dir: Path, shared: Path | None) -> None:
    """Put the store in place: private in the data directory, or a link to ``shared``."""
    here = media_dir(private_dir(data_dir))
    if shared is None:
        if not here.is_symlink():
            private_dir(here)
        return
    try:
        _shared_dirs(shared)
        if here.is_symlink():
            if here.resolve() != shared.resolve():
                raise ConfigError(f"{here} links to {os.readlink(here)}, not to "
                                  f"SIARAN_MEDIA_DIR {shared}: move the files and the link")
            return
        if here.is_dir():
            if any(here.iterdir()):
                raise ConfigError(f"SIARAN_MEDIA_DIR is {shared} but {here} holds media: move "
                                  f"its contents to {shared} and remove {here}")
            here.rmdir()
        here.symlink_to(shared, target_is_directory=True)
    except OSError as error:
        raise ConfigError(f"cannot set up the media store in {shared}: {error.strerror}"
                          ) from None


def _shared_dirs(shared: Path) -> None:
    """Create ``shared`` and its missing parents readable by all (a web server's user)."""
    missing = [p for p in (shared, *shared.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=SHARED_DIR_MODE)
        folder.chmod(SHARED_DIR_MODE)


def store(data_dir: Path, source: str | Path) -> StoredMedia:
    """Copy a file into the store (once); refuses unreadable, unknown or huge files.

    Every message names the file as the user gave it."""
    shown = str(source)
    try:
        fd = os.open(source, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ValidationError(Said("media file {name!r} does not exist", name=shown)
                              ) from None
    except IsADirectoryError:
        raise ValidationError(_directory(shown)) from None
    except OSError as error:
        raise ValidationError(Said("media file {name!r} cannot be read: {reason}",
                                   name=shown, reason=error.strerror)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ValidationError(_directory(shown) if stat.S_ISDIR(info.st_mode) else
                              Said("media file {name!r} is not a regular file", name=shown))
    with os.fdopen(fd, "rb") as handle:
        _check_size(shown, info.st_size)
        return store_stream(data_dir, handle, shown)


def _directory(shown: str) -> Said:
    return Said("media file {name!r} is a directory", name=shown)


def store_stream(data_dir: Path, handle: BinaryIO, name: str) -> StoredMedia:
    """Copy an open file (an upload) into the store; ``name`` is what messages call it."""
    head = handle.read(HEAD_BYTES)
    if not head:
        raise ValidationError(Said("media file {name!r} is empty", name=name))
    kind = sniff(head)
    if kind is None:
        raise ValidationError(Said("media file {name!r} is not JPEG, PNG, GIF, WebP or MP4",
                                   name=name))
    return _copy_in(data_dir, handle, head, kind, name, Path(name).name)


def _check_size(shown: str, size: int) -> None:
    if size == 0 or size > MAX_BYTES:
        raise ValidationError(Said("media file {name!r} is {size} bytes; accepted: 1 byte "
                                   "to {most} MiB", name=shown, size=size,
                                   most=MAX_BYTES // 2**20))


def _copy_in(data_dir: Path, handle, head: bytes, kind: tuple[str, str], shown: str,
             source_name: str) -> StoredMedia:
    """Copy the rest of ``handle`` to a temporary file, hashing and counting; then name it."""
    root = media_dir(data_dir)
    if not root.exists():
        private_dir(root)
    dir_mode, file_mode = _modes(root)
    digest, size = hashlib.sha256(head), len(head)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head)
            for block in iter(lambda: handle.read(BLOCK), b""):
                size += len(block)
                if size > MAX_BYTES:
                    raise ValidationError(Said("media file {name!r} grew past {most} MiB "
                                               "while being stored", name=shown,
                                               most=MAX_BYTES // 2**20))
                digest.update(block)
                out.write(block)
            out.flush()
            os.fchmod(out.fileno(), file_mode)
        media = StoredMedia(digest.hexdigest(), kind[0], size, kind[1], source_name)
        target = path_of(data_dir, media)
        target.parent.mkdir(mode=dir_mode, exist_ok=True)
        os.chmod(target.parent, dir_mode)
        if target.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return media


def _modes(root: Path) -> tuple[int, int]:
    """Directory and file modes: the store root's read permissions, never write."""
    try:
        readable = root.stat().st_mode & 0o055
    except OSError as error:
        raise ConfigError(Said("the media store {root} is unusable: {reason}",
                               root=str(root), reason=error.strerror)) from None
    return 0o700 | readable, 0o600 | (readable & 0o044)


def find(data_dir: Path, digest: str) -> StoredMedia | None:
    """The stored file with this digest, or None."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    for _parts, mime, ext in SIGNATURES:
        path = path_of(data_dir, StoredMedia(digest, mime, 0, ext))
        if path.is_file():
            return StoredMedia(digest, mime, path.stat().st_size, ext)
    return None
