"""Only Siaran's user can use its files: modes whatever the umask, and probes made as
another user (``nobody``) that must fail to read the database, reach Redis or hold the
writer lock."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.runtime import config, embedded_redis
from orchestrator.runtime.context import open_context
from orchestrator.runtime.installation import initialise
from orchestrator.store.private import open_private

X = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at",
     "access_token_secret": "ats"}
NOBODY = 65534


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)


@pytest.fixture
def umask(request) -> Iterator[int]:
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


@pytest.fixture
def open_base() -> Iterator[Path]:
    """A directory every user may enter (unlike pytest's own temporary directory), so that
    only the modes Siaran sets keep another user out."""
    base = Path(tempfile.mkdtemp(prefix="siaran-perm-", dir="/tmp"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def installed(data_dir: Path):
    """``siaran init``, one channel written (so the WAL and the writer lock exist)."""
    settings = config.load({"SIARAN_DATA_DIR": str(data_dir), "SIARAN_USER": "admin"})
    initialise(settings)
    ctx = open_context(settings)
    channel_admin.add_channel(ctx, name="x", platform="x", credentials=X)
    return ctx


@pytest.mark.parametrize("umask", [0o022, 0o000], indirect=True, ids=["022", "000"])
def test_data_directory_and_files_are_private_whatever_the_umask(umask, open_base):
    data = open_base / "data"
    ctx = installed(data)
    with embedded_redis.running(data) as url:
        assert url.startswith("unix://")
        assert mode(data) == 0o700
        for name in ("siaran.db", "siaran.db-wal", "siaran.db-shm", "siaran.db-writer.lock",
                     "secret.key", "redis.url", "redis.conf", "redis.log", "redis.lock"):
            assert mode(data / name) == 0o600, name
        assert mode(data / "redis.sock") == 0o700
        assert mode(data / "media") == 0o700
    ctx.db.dispose()


def test_an_older_installation_is_narrowed(open_base):
    data = open_base / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "siaran.db").touch()
    (data / "siaran.db").chmod(0o644)
    (data / "redis.url").write_text("redis://127.0.0.1:1/0")
    (data / "redis.url").chmod(0o644)
    installed(data).db.dispose()
    assert mode(data) == 0o700
    assert mode(data / "siaran.db") == 0o600 and mode(data / "redis.url") == 0o600


def test_a_lock_file_of_another_user_is_refused(tmp_path):
    lock = tmp_path / "db-writer.lock"
    lock.touch()
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    os.chown(lock, NOBODY, NOBODY)
    tmp_path.chmod(0o700)
    with pytest.raises(Exception, match="belongs to another user"):
        open_private(lock)


PROBE = r"""
import fcntl, json, os, socket, sys
data, redis_address = sys.argv[1], json.loads(sys.argv[2])
found = {}
def attempt(name, action):
    try:
        action()
        found[name] = "done"
    except OSError as error:
        found[name] = f"refused: {error.strerror or error}"
def read(name):
    return lambda: open(os.path.join(data, name), "rb").read(1)
def hold_lock():
    fd = os.open(os.path.join(data, "siaran.db-writer.lock"), os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
def ping():
    if redis_address[0] == "unix":
        client = socket.socket(socket.AF_UNIX)
        client.connect(redis_address[1])
    else:
        client = socket.create_connection(tuple(redis_address[1:]), timeout=5)
    client.sendall(b"PING\r\n")
    answer = client.recv(64)
    if not answer.startswith(b"+PONG"):
        raise OSError(0, answer.decode(errors="replace").strip())
attempt("list the data directory", lambda: os.listdir(data))
for name in ("siaran.db", "siaran.db-wal", "secret.key", "redis.url", "redis.conf"):
    attempt(f"read {name}", read(name))
attempt("hold the writer lock", hold_lock)
attempt("reach Redis", ping)
print(json.dumps(found))
"""


def as_nobody(*args: str) -> dict[str, str]:
    """Run the probe as ``nobody``; skip, with the reason, where that cannot be done."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("probing as another user needs root and setpriv (util-linux)")
    switch = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    for python in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if python and subprocess.run([*switch, python, "-I", "-S", "-c", "pass"],
                                     capture_output=True).returncode == 0:
            break
    else:
        pytest.skip("no Python interpreter that the user nobody may run")
    done = subprocess.run([*switch, python, "-I", "-S", "-c", PROBE, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def redis_address(url: str) -> list:
    from redis.connection import parse_url

    found = parse_url(url)
    if "path" in found:
        return ["unix", found["path"]]
    return ["tcp", found["host"], found["port"]]


def test_another_user_cannot_read_the_database_reach_redis_or_hold_the_lock(open_base):
    old = os.umask(0o022)
    try:
        data = open_base / "data"
        ctx = installed(data)
        with embedded_redis.running(data) as url:
            with ctx.db.write():  # the lock is in use, as while Siaran works
                pass
            found = as_nobody(str(data), json.dumps(redis_address(url)))
        ctx.db.dispose()
    finally:
        os.umask(old)
    assert found and all(v.startswith("refused") for v in found.values()), found
