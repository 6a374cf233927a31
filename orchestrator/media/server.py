"""Serving the media store over HTTP, for platforms that fetch media by URL (Instagram).

Read-only, names only (``/<sha256><ext>``): nothing else in the data directory is reachable.
Production sites usually serve the directory from their web server instead and set
``SIARAN_MEDIA_BASE_URL`` to its address.
"""

from __future__ import annotations

import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from orchestrator.media.files import media_dir

NAME = re.compile(r"^/([0-9a-f]{64})\.(jpg|png|gif|webp|mp4)$")
TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
         "mp4": "video/mp4"}


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class MediaHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            match = NAME.match(self.path.split("?")[0])
            file = root / match[1][:2] / f"{match[1]}.{match[2]}" if match else None
            if file is None or not file.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            body = file.read_bytes()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", TYPES[match[2]])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            return

    return MediaHandler


class MediaServer:
    """The media store on ``http://host:port/``, in a background thread."""

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = ThreadingHTTPServer((host, port), _handler(media_dir(data_dir)))
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"

    def start(self) -> MediaServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
