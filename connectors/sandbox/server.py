"""The sandbox HTTP server: a threaded HTTP/1.1 keep-alive server and a small router.

Each connection gets a daemon thread; answers go out with ``Content-Length`` and
TCP_NODELAY so many concurrent clients are served without per-request stalls.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from connectors.sandbox import catalog, control
from connectors.sandbox.faults import ANSWERING_KINDS, CONTAINER_KINDS
from connectors.sandbox.platform import PlatformAPI
from connectors.sandbox.state import LoggedRequest, SandboxState
from connectors.sandbox.wire import Request, Response

DEFAULT_HANG = 30.0


class Router:
    """Routes a request to the control API or a platform, applying faults and logging.

    The platforms are the registry's, offered each request in :func:`catalog.platform_apis`
    order (Instagram before Facebook: both speak Graph, Facebook takes whatever is left)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._instances: dict[type[PlatformAPI], PlatformAPI] = {}
        self._lock = threading.Lock()
        self._routing: tuple[tuple, list[PlatformAPI]] = ((), [])

    @property
    def apis(self) -> list[PlatformAPI]:
        """One emulation per registered platform, in routing order (rebuilt when the
        registry changes)."""
        classes = catalog.platform_apis()
        known, apis = self._routing
        if classes is not known:
            with self._lock:
                for cls in classes:
                    if cls not in self._instances:
                        self._instances[cls] = cls(self.state)
                apis = [self._instances[cls] for cls in classes]
                self._routing = (classes, apis)
        return apis

    def __call__(self, req: Request) -> Response:
        if control.handles(req.path):
            return control.handle(self.state, req)
        api = next((a for a in self.apis if a.handles(req)), None)
        if api is None:
            return Response.json(404, {"error": f"no sandbox platform serves {req.path}"})
        who = api.identify(req)
        if isinstance(who, Response):
            self._log(req, api, None, who)
            return who
        rule = self.state.take_fault(who[0], who[1], req.method, req.path)
        if rule is not None and rule.kind == "latency":
            generation = self.state.generation
            self.state.wake.wait(float(rule.params.get("seconds", 1.0)))
            if self.state.generation != generation:
                return Response(503, drop=True)
        if rule is not None and rule.kind in ANSWERING_KINDS:
            response = api.fault_answer(rule, req, who)
        else:
            if rule is not None and rule.kind in CONTAINER_KINDS:
                req.fault = rule
            response = api.dispatch(req, who)
        if rule is not None and rule.kind == "commit_then_hang":
            response.hang = float(rule.params.get("seconds", DEFAULT_HANG))
        if rule is not None and rule.kind == "commit_then_drop":
            response.drop = True
        response.account = who[1] or None
        self._log(req, api, who[1] or None, response)
        return response

    def _log(self, req: Request, api: PlatformAPI, account: str | None, resp: Response) -> None:
        outcome = "dropped" if resp.drop else "hung" if resp.hang else "answered"
        self.state.log(LoggedRequest(req.method, api.logged_path(req.path), api.name, account,
                                     resp.status, self.state.now(), outcome))


class Handler(BaseHTTPRequestHandler):
    """Turns HTTP into :class:`Request` and :class:`Response` values."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "SiaranSandbox/1.0"
    server: SandboxHTTPServer

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        req = Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
            query_string=split.query,
        )
        try:
            resp = self.server.router(req)
        except Exception:  # noqa: BLE001 - report, answer 500, keep serving
            traceback.print_exc(file=sys.stderr)
            resp = Response.json(500, {"error": "sandbox failure"})
        if resp.hang:
            self.server.state.wake.wait(resp.hang)
        if resp.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(resp.body)))
            self.end_headers()
            self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the request log lives in the sandbox state."""


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threaded server carrying the sandbox state and router."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, Handler)
        self.state = state
        self.router = Router(state)


def start_in_thread(server: SandboxHTTPServer) -> threading.Thread:
    """Serve in a daemon thread."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="siaran-sandbox", daemon=True)
    thread.start()
    return thread
