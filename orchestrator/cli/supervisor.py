"""Running child processes the way supervisors do: one that dies is started again.

``siaran worker`` and ``siaran up`` run their processes (the Dramatiq main process, the
scheduler) under :func:`run_children`. A child that exits without being asked to (killed,
out of memory, a crash) is logged and started again, at most ``max_restarts`` times within
``window`` seconds; then everything stops and the child's exit status is returned. Each
child leads its own process group, so what a killed child leaves behind (Dramatiq's worker
processes outlive a SIGKILLed main process) is stopped before it is replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque

#: A child may be restarted this many times within ``RESTART_WINDOW`` seconds.
MAX_RESTARTS = 5
RESTART_WINDOW = 60.0
#: Seconds to wait before the n-th restart in a row: RESTART_DELAY × 2^(n-1), at most 10.
RESTART_DELAY = 0.5
STOP_TIMEOUT = 30.0


def run_children(commands: list[list[str]], env: dict[str, str], *,
                 max_restarts: int = MAX_RESTARTS, window: float = RESTART_WINDOW,
                 delay: float = RESTART_DELAY) -> int:
    """Run the processes until SIGINT or SIGTERM (then 0), restarting any that exits; a
    child that exits too often stops them all, and its exit status is returned."""
    import structlog

    log = structlog.get_logger("siaran.supervisor")
    stop = threading.Event()
    children = [_start(c, env) for c in commands]
    restarts: list[deque[float]] = [deque() for _ in commands]

    def _stop(signum, _frame):
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    failed = 0
    try:
        while not stop.is_set():
            for i, child in enumerate(children):
                code = child.poll()
                if code is None or stop.is_set():
                    continue
                _stop_group(child)
                now = time.monotonic()
                recent = restarts[i]
                while recent and now - recent[0] > window:
                    recent.popleft()
                what = {"command": " ".join(commands[i][:4]), "pid": child.pid,
                        "returncode": code}
                if len(recent) >= max_restarts:
                    log.error("child process keeps exiting; stopping", **what,
                              restarts=len(recent), window_seconds=window)
                    failed = code or 1
                    stop.set()
                    break
                recent.append(now)
                log.warning("child process exited unexpectedly; restarting it", **what,
                            restart=len(recent), of=max_restarts)
                if stop.wait(min(delay * 2 ** (len(recent) - 1), 10.0)):
                    break
                children[i] = _start(commands[i], env)
                log.warning("child process restarted", command=what["command"],
                            pid=children[i].pid)
            stop.wait(0.2)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _stop_all(children)
    return failed


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, start_new_session=True)


def _stop_group(child: subprocess.Popen) -> None:
    """Stop what a dead child left in its process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGTERM)


def _stop_all(children: list[subprocess.Popen]) -> None:
    for c in children:
        if c.poll() is None:
            c.send_signal(signal.SIGTERM)
    for c in children:
        try:
            c.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            c.kill()
            c.wait()
        _stop_group(c)
