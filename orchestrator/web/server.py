"""The app served by uvicorn from a thread of this process (the tests, the benchmarks);
``siaran web`` runs uvicorn as its own process (``orchestrator.web.app:from_environment``)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from orchestrator.runtime.config import Settings
from orchestrator.web.app import create_app


def _config(settings: Settings, host: str, port: int) -> uvicorn.Config:
    proxies = settings.web.proxies
    return uvicorn.Config(create_app(settings), host=host, port=port, workers=1,
                          log_config=None, access_log=False, server_header=False,
                          proxy_headers=bool(proxies),
                          forwarded_allow_ips=",".join(proxies) if proxies else None)


class BackgroundServer:
    """The app on ``host`` and a port (0: any free one), served from a thread."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        port = self.sock.getsockname()[1]
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
        self.server = uvicorn.Server(_config(settings, host, port))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True, name="siaran-web")

    def start(self, timeout: float = 20) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
