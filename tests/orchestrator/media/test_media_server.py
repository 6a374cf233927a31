"""The media server faces the internet: streamed files, idle clients dropped, a cap on
connections, no MIME sniffing, no version banner."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from orchestrator.media.server import MediaServer

DIGEST = "ab" * 32
BIG = 64 * 2**20
JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\0" * 60


def stored_file(data_dir: Path, size: int) -> str:
    """A file in the store as Siaran names it; sparse, so it costs no disk."""
    folder = data_dir / "media" / DIGEST[:2]
    folder.mkdir(parents=True)
    path = folder / f"{DIGEST}.jpg"
    with open(path, "wb") as handle:
        handle.write(JPEG_HEAD)
        handle.truncate(size)
    return f"/{DIGEST}.jpg"


def rss(pid: int) -> int:
    """Resident memory of a process in bytes (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def slow_client(port: int, path: str) -> socket.socket:
    """A client that asks for the file, takes its first bytes, then stops reading."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
    assert client.recv(4096).startswith(b"HTTP/1.0 200")
    return client


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_slow_clients_do_not_grow_the_servers_memory(tmp_path, unused_port):
    path = stored_file(tmp_path, BIG)
    env = {**os.environ, "SIARAN_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "orchestrator.cli.main", "media-server",
                               "--port", str(unused_port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    clients = []
    try:
        assert "serving" in server.stdout.readline()
        assert requests.get(f"http://127.0.0.1:{unused_port}/missing", timeout=10
                            ).status_code == 404  # warmed up: its threads and buffers exist
        before = rss(server.pid)
        clients = [slow_client(unused_port, path) for _ in range(4)]
        time.sleep(0.5)  # let the server push what the sockets will take
        grown = rss(server.pid) - before
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=20)
    assert grown < 16 * 2**20, f"grew by {grown / 2**20:.0f} MiB for 4 clients"


@pytest.fixture
def media(tmp_path):
    stored_file(tmp_path, 1000)
    server = MediaServer(tmp_path, timeout=0.5, max_connections=2).start()
    yield server
    server.stop()


def test_an_idle_client_is_disconnected(media):
    host, port = media.url.rsplit(":", 1)
    client = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    assert client.recv(100) == b""  # the server hung up on a client that said nothing
    client.close()


def test_connections_beyond_the_cap_are_turned_away(media):
    port = int(media.url.rsplit(":", 1)[1])
    held = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(2)]
    extra = socket.create_connection(("127.0.0.1", port), timeout=30)
    extra.sendall(b"GET / HTTP/1.0\r\n\r\n")
    assert extra.recv(100).startswith(b"HTTP/1.0 503")
    for sock in (*held, extra):
        sock.close()


def test_answers_forbid_sniffing_and_announce_no_version(media):
    ok = requests.get(f"{media.url}/{DIGEST}.jpg", timeout=10)
    missing = requests.get(f"{media.url}/nothing", timeout=10)
    head = requests.head(f"{media.url}/{DIGEST}.jpg", timeout=10)
    assert ok.status_code == 200 and len(ok.content) == 1000
    assert missing.status_code == 404
    assert head.status_code == 200 and head.headers["Content-Length"] == "1000"
    for answer in (ok, missing, head):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert answer.headers["Server"] == "siaran-media"
        assert "Python" not in str(answer.headers)
