"""`siaran worker` survives its Dramatiq processes being SIGKILLed: it says so in its log,
starts them again, and deliveries keep being published exactly once."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from tests.fixtures.system import running_system


def children(pid: int) -> list[int]:
    """The process's children; none once it is gone."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return []
    return found


def gone(pid: int) -> bool:
    """Exited (or a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_for(what, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what.__doc__}")


@pytest.fixture(scope="module")
def system(tmp_path_factory, redis_url, sandbox_server):
    with running_system(tmp_path_factory.mktemp("restart"), redis_url,
                        sandbox_server.url) as running:
        running.add_channel("x-setneg", "x", "1001")
        yield running


def published_once(system, sandbox, text: str) -> None:
    post_id = system.approved_post("x-setneg", text=text)
    system.cli("post", "publish-now", str(post_id))
    shown = system.wait_finished(post_id, timeout=60)
    assert shown["status"] == "published", shown["deliveries"]
    assert [p.text for p in sandbox.posts("x", "1001") if p.text == text] == [text]


def restarted(system) -> list[dict]:
    lines = (system.root / "worker.log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    return [r for r in records if r.get("logger") == "siaran.supervisor"]


def test_killed_dramatiq_processes_are_started_again(system, sandbox):
    worker = system.processes[0]
    published_once(system, sandbox, "Sebelum proses dihentikan.")

    def dramatiq_main() -> int | None:
        """the Dramatiq main process with its worker processes"""
        found = [c for c in children(worker.pid) if not gone(c) and children(c)]
        return found[0] if found else None

    # A Dramatiq worker process killed: its main process stops, and is started again.
    first = dramatiq_main()
    os.kill(children(first)[0], signal.SIGKILL)
    second = wait_for(lambda: (m := dramatiq_main()) and m != first and m)
    published_once(system, sandbox, "Setelah proses pekerja dihentikan.")

    # The Dramatiq main process itself killed: what it leaves behind is stopped, and a new
    # one started.
    orphans = children(second)
    os.kill(second, signal.SIGKILL)
    third = wait_for(lambda: (m := dramatiq_main()) and m not in (first, second) and m)
    wait_for(lambda: all(gone(p) for p in orphans))
    published_once(system, sandbox, "Setelah proses utama dihentikan.")

    assert worker.poll() is None
    assert third not in (first, second)
    events = restarted(system)
    assert [e["event"] for e in events].count("child process exited unexpectedly; "
                                              "restarting it") == 2
    assert [e["event"] for e in events].count("child process restarted") == 2
    assert events[0]["level"] == "warning" and events[0]["returncode"] != 0
