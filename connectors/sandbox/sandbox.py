"""The embeddable sandbox: start it in a thread, inspect it, stop it; or serve in front."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from connectors.sandbox.accounts import default_accounts, load_accounts
from connectors.sandbox.faults import FaultRule, parse_rule
from connectors.sandbox.server import SandboxHTTPServer, start_in_thread
from connectors.sandbox.state import LoggedRequest, SandboxState, StoredPost

DEFAULT_PORT = 8123


class Sandbox:
    """A running platform emulator, usable from Python."""

    def __init__(
        self, accounts: dict[str, list[dict]] | None = None, host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.state = SandboxState(default_accounts() if accounts is None else accounts)
        self.host, self.port = host, port
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Sandbox:
        """Serve in a background thread; returns self."""
        if self._server is None:
            self._server = SandboxHTTPServer((self.host, self.port), self.state)
            self.port = self._server.server_address[1]
            self._thread = start_in_thread(self._server)
        return self

    @property
    def url(self) -> str:
        """Base URL to use as a channel's ``api_base``."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving and release any hanging answers."""
        if self._server is not None:
            self.state.wake.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # inspection and control from Python ------------------------------------------------
    def posts(self, platform: str | None = None, account: str | None = None
              ) -> list[StoredPost]:
        """Posts held by an account (or all), oldest first."""
        return self.state.posts(platform, account)

    def requests(self, platform: str | None = None, account: str | None = None
                 ) -> list[LoggedRequest]:
        """The request log."""
        return self.state.requests(platform, account)

    def add_fault(self, platform: str, kind: str, *, account: str | None = None,
                  endpoint: str | None = None, count: int | None = None,
                  **params: Any) -> FaultRule:
        """Inject a fault (same rule format as ``POST /_sandbox/faults``)."""
        return self.state.add_fault(parse_rule({
            "platform": platform, "kind": kind, "account": account, "endpoint": endpoint,
            "count": count, "params": params}))

    def clear_faults(self) -> None:
        self.state.clear_faults()

    def add_accounts(self, accounts: dict[str, list[dict]]) -> None:
        self.state.add_accounts(accounts)

    def reset(self) -> None:
        """Forget posts, the log, faults and the clock offset."""
        self.state.reset()


def serve(port: int = DEFAULT_PORT, accounts_path: str | None = None,
          host: str = "127.0.0.1") -> None:
    """Run the sandbox in the foreground until interrupted, printing its URL."""
    server = SandboxHTTPServer((host, port), SandboxState(load_accounts(accounts_path)))
    print(f"Siaran sandbox serving on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
