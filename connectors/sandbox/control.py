"""The sandbox's own control and inspection API, under ``/_sandbox/`` (no platform uses it).

Routes (JSON in, JSON out, except the page):

- ``GET    /_sandbox/``                           → an HTML page: per account, its posts and
  the requests it made (English / Bahasa Indonesia)
- ``GET    /_sandbox/health``                     → ``{"ok": true}``
- ``GET    /_sandbox/posts?platform=&account=``   → ``{"posts": [{platform, account, id,
  text, time, extra}]}``, oldest first
- ``GET    /_sandbox/requests?platform=&account=`` → ``{"requests": [{method, path,
  platform, account, status, time, outcome}]}``
- ``GET    /_sandbox/faults``                     → ``{"faults": [rule…]}``
- ``POST   /_sandbox/faults``                     → the stored rule (see
  :mod:`connectors.sandbox.faults` for the format); 400 with ``{"error"}`` if invalid
- ``DELETE /_sandbox/faults``                     → clears all; ``/_sandbox/faults/{id}`` one
- ``GET    /_sandbox/accounts``                   → the accounts, same shape as the file
- ``POST   /_sandbox/accounts``                   → adds accounts (same shape as the file)
- ``POST   /_sandbox/clock``  ``{"advance": s}``  → moves sandbox time
- ``POST   /_sandbox/reset``                      → forgets posts, log, faults and clock
"""

from __future__ import annotations

import re

from connectors.errors import ConfigError
from connectors.sandbox import page
from connectors.sandbox.faults import parse_rule
from connectors.sandbox.state import SandboxState
from connectors.sandbox.wire import Request, Response

PREFIX = "/_sandbox/"
_FAULT_ID = re.compile(r"^/_sandbox/faults/(\d+)$")


def handles(path: str) -> bool:
    return path == PREFIX[:-1] or path.startswith(PREFIX)


def handle(state: SandboxState, req: Request) -> Response:
    """Serve one control request."""
    try:
        return _route(state, req)
    except (ConfigError, TypeError, ValueError) as exc:
        return Response.json(400, {"error": str(exc)})


def _route(state: SandboxState, req: Request) -> Response:
    path, method, q = req.path.rstrip("/"), req.method, req.query
    if path == "/_sandbox" and method == "GET":
        return Response.text(200, page.render(state), "text/html")
    if path == "/_sandbox/health":
        return Response.json(200, {"ok": True})
    if path == "/_sandbox/posts" and method == "GET":
        posts = state.posts(q.get("platform"), q.get("account"))
        return Response.json(200, {"posts": [p.to_dict() for p in posts]})
    if path == "/_sandbox/requests" and method == "GET":
        entries = state.requests(q.get("platform"), q.get("account"))
        return Response.json(200, {"requests": [r.to_dict() for r in entries]})
    if path == "/_sandbox/faults":
        if method == "GET":
            return Response.json(200, {"faults": [f.to_dict() for f in state.faults()]})
        if method == "POST":
            return Response.json(201, state.add_fault(parse_rule(req.json())).to_dict())
        if method == "DELETE":
            return Response.json(200, {"removed": state.clear_faults()})
    match = _FAULT_ID.match(path)
    if match and method == "DELETE":
        return Response.json(200, {"removed": state.clear_faults(int(match.group(1)))})
    if path == "/_sandbox/accounts":
        if method == "GET":
            return Response.json(200, state.accounts())
        if method == "POST":
            state.add_accounts(req.json())
            return Response.json(200, state.accounts())
    if path == "/_sandbox/clock" and method == "POST":
        body = req.json() or {}
        state.advance(float(body.get("advance", 0)))
        return Response.json(200, {"now": state.now()})
    if path == "/_sandbox/reset" and method == "POST":
        state.reset()
        return Response.json(200, {"ok": True})
    return Response.json(404, {"error": f"no sandbox route {method} {req.path}"})
