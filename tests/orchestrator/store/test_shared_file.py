"""A SQLite database opened twice in one process (the web app beside a command's context,
say) stays one database for every process: opening it again must not drop the locks SQLite
holds on the file, or another process may delete the write-ahead log under this one and
this process's later writes are seen by nobody else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import text

from orchestrator.store.db import Database
from orchestrator.store.private import PrivateFileError, touch_private

WRITE_AND_CLOSE = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                   "c.execute('insert into t values (2)'); c.commit(); c.close()")
READ = ("import sqlite3, sys; "
        "print(sorted(r[0] for r in sqlite3.connect(sys.argv[1]).execute('select v from t')))")


def another_process(code: str, path) -> str:
    return subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_a_second_database_object_keeps_one_database_for_every_process(tmp_path):
    path = tmp_path / "siaran.db"
    first = Database(f"sqlite:///{path}")
    try:
        with first.write() as conn:
            conn.execute(text("create table t (v int)"))
            conn.execute(text("insert into t values (1)"))
        second = Database(f"sqlite:///{path}")  # opened again, as the web app does
        another_process(WRITE_AND_CLOSE, path)  # its last connection closes: a checkpoint
        with first.write() as conn:
            conn.execute(text("insert into t values (3)"))
        assert another_process(READ, path) == "[1, 2, 3]"
        second.dispose()
    finally:
        first.dispose()


def test_an_existing_file_is_narrowed_by_its_path(tmp_path):
    path = tmp_path / "siaran.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    touch_private(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_what_is_not_a_regular_file_is_refused(tmp_path):
    target = tmp_path / "elsewhere.db"
    target.write_bytes(b"")
    link = tmp_path / "siaran.db"
    os.symlink(target, link)
    with pytest.raises(PrivateFileError, match="not a regular file"):
        touch_private(link)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(PrivateFileError, match="not a regular file"):
        touch_private(tmp_path / "dir.db")
