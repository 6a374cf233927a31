"""Serving the media store over HTTP, for platforms that fetch media by URL (Instagram).

Read-only, names only (``/<sha256><ext>``): nothing else in the data directory is reachable.
Facing the internet, put a web server in front of it (TLS, caching, rate limits) or let the
web server serve the store itself (``SIARAN_MEDIA_DIR``); see docs/operations.md. It is
hardened all the same: files are streamed from disk (``sendfile``), never read whole into
memory; a client silent for ``timeout`` seconds is disconnected; at most
``max_connections`` are served at once (the next ones get 503); every answer says
``X-Content-Type-Options: nosniff`` and a sandboxing content policy, so a browser never
runs a stored file as a page; and no version of anything is announced.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from orchestrator.media.files import media_dir

NAME = re.compile(r"^/([0-9a-f]{64})\.(jpg|png|gif|webp|mp4)$")
TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
         "mp4": "video/mp4"}
#: Seconds a client may stay silent (sending its request, or taking the answer).
TIMEOUT = 30.0
#: Connections served at once; each is one thread.
MAX_CONNECTIONS = 64
BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nServer: siaran-media\r\nRetry-After: 5\r\n"
        b"X-Content-Type-Options: nosniff\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _handler(root: Path, timeout: float) -> type[BaseHTTPRequestHandler]:
    class MediaHandler(BaseHTTPRequestHandler):
        server_version = "siaran-media"
        sys_version = ""

        def setup(self) -> None:
            self.timeout = timeout  # StreamRequestHandler sets it on the socket
            super().setup()

        def version_string(self) -> str:
            return self.server_version

        def end_headers(self) -> None:
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "default-src 'none'; sandbox")
            super().end_headers()

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            match = NAME.match(self.path.split("?")[0])
            file = root / match[1][:2] / f"{match[1]}.{match[2]}" if match else None
            try:
                handle = open(file, "rb") if file else None  # noqa: SIM115 - closed below
            except OSError:
                handle = None
            if handle is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            with handle:
                size = os.fstat(handle.fileno()).st_size
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", TYPES[match[2]])
                self.send_header("Content-Length", str(size))
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
                self.end_headers()
                if body:
                    self.wfile.flush()
                    self.connection.sendfile(handle)  # from the page cache, in pieces

        def log_message(self, *_args) -> None:
            return

    return MediaHandler


class _BoundedServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` of them."""

    daemon_threads = True

    def __init__(self, address, handler, max_connections: int) -> None:
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that went away or fell silent is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class MediaServer:
    """The media store on ``http://host:port/``, in a background thread."""

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", port: int = 0, *,
                 timeout: float = TIMEOUT, max_connections: int = MAX_CONNECTIONS) -> None:
        self.server = _BoundedServer((host, port), _handler(media_dir(data_dir), timeout),
                                     max_connections)
        self.url = f"http://{host}:{self.server.server_address[1]}"

    def start(self) -> MediaServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
