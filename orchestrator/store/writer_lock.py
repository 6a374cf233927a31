"""Queueing SQLite writers so that each wakes the moment the write lock is free.

SQLite lets one writer in at a time; the others poll in its busy handler, which sleeps in
steps of 1 to 100 ms, so a lock freed after 1 ms can stay unused for 10 ms or more. Writers
of one process queue on a thread lock, and one writer per process on an ``flock`` of a file
beside the database, which the kernel hands over as soon as it is released. Writers that do
not take this lock (another tool on the same file) still meet at SQLite's own lock. The
file is 0600 and must belong to Siaran's user: another user who could open it could hold
the lock and stall every write.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from connectors.errors import ConfigError
from orchestrator.store.private import PrivateFileError, open_private


class WriterLock:
    """Re-entrant within a thread; safe across fork (each process opens its own file)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> WriterLock:
        self._thread_lock.acquire()
        self._depth += 1
        if self._depth == 1 and self.path is not None:
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            except BaseException:
                self._depth -= 1
                self._thread_lock.release()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            # A descriptor inherited across fork shares its lock with the parent: reopen.
            # Mode 0600 and owned by Siaran's user: no other user can open it to hold it.
            try:
                self._fd = open_private(self.path)
            except PrivateFileError as error:
                raise ConfigError(f"cannot open the database's writer lock {self.path}: "
                                  f"{error.reason}") from None
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
