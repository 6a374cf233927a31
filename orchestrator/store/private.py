"""Files and directories that only Siaran's own user may use, whatever the umask.

Directories are 0700 and files 0600, set explicitly (``fchmod``) rather than left to the
umask. An existing file or directory with wider modes is narrowed when Siaran's user owns
it; a file owned by another user than Siaran's or the directory's owner is refused (that
user could have created it to watch or block Siaran). Symbolic links are not followed
where a file is created.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from connectors.errors import ConfigError

DIR_MODE = 0o700
FILE_MODE = 0o600


class PrivateFileError(ConfigError):
    """A private file that cannot be opened, or may not be trusted; ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot open {path}: {reason}")
        self.path = path
        self.reason = reason


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; narrow it when it is wider."""
    path = Path(path)
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        info = path.stat()
        if info.st_mode & 0o077 and _mine(info):
            path.chmod(DIR_MODE)
    except OSError as error:
        raise ConfigError(f"cannot prepare the directory {path}: {error.strerror}") from None
    return path


def open_private(path: Path, flags: int = os.O_RDWR) -> int:
    """Open (creating if missing) a file of this user's own, mode 0600; a descriptor."""
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    except OSError as error:
        raise PrivateFileError(path, str(error.strerror)) from None
    try:
        _narrow(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def touch_private(path: Path) -> None:
    """Make sure ``path`` exists as a file of this user's own, mode 0600.

    An existing file is checked and narrowed by its path, never opened: closing any
    descriptor of a file drops every POSIX lock this process holds on it, and SQLite keeps
    its locks on the database file that way. A database opened here twice would otherwise
    lose its locks, let another process delete the write-ahead log under it, and go on
    writing into a log nobody else reads."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     FILE_MODE)
    except FileExistsError:
        _check_existing(path)
        return
    except OSError as error:
        raise PrivateFileError(path, str(error.strerror)) from None
    os.close(fd)  # new: nothing in this process can hold a lock on it yet


def _check_existing(path: Path) -> None:
    """:func:`_narrow` by the path: a regular file of ours, narrowed to 0600."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError as error:
        raise PrivateFileError(path, str(error.strerror)) from None
    _trust(info, path)
    if info.st_mode & 0o077 and _mine(info):
        os.chmod(path, FILE_MODE, follow_symlinks=False)


def narrow_existing(path: Path) -> None:
    """Narrow an existing file to 0600 if this user owns it (missing files are fine)."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077 and _mine(info):
        os.chmod(path, FILE_MODE, follow_symlinks=False)


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with ``data``, mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC | os.O_EXCL)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _narrow(fd: int, path: Path) -> None:
    info = os.fstat(fd)
    _trust(info, path)
    if info.st_mode & 0o077 and _mine(info):
        os.fchmod(fd, FILE_MODE)


def _trust(info: os.stat_result, path: Path) -> None:
    """Refuse what is not a regular file, or belongs to another user than ours or the
    directory's owner."""
    if not stat.S_ISREG(info.st_mode):
        raise PrivateFileError(path, "not a regular file")
    if info.st_uid not in (os.geteuid(), _owner(path.parent)):
        raise PrivateFileError(path, f"it belongs to another user (uid {info.st_uid}); "
                                     "remove it and let Siaran create its own")


def _owner(directory: Path) -> int:
    try:
        return directory.stat().st_uid
    except OSError:
        return os.geteuid()


def _mine(info: os.stat_result) -> bool:
    """This process may change the modes: its own file, or root's process."""
    return info.st_uid == os.geteuid() or os.geteuid() == 0
