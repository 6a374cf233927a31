"""The supervisor of `siaran worker` and `siaran up`: a child that dies is started again,
within a limit; a signal stops every child."""

from __future__ import annotations

import os
import signal
import sys
import threading

from orchestrator.cli.supervisor import run_children


def test_a_child_that_keeps_exiting_is_restarted_up_to_the_limit(tmp_path):
    starts = tmp_path / "starts"
    child = [sys.executable, "-c",
             f"open({str(starts)!r}, 'a').write('started\\n'); raise SystemExit(3)"]
    code = run_children([child], dict(os.environ), max_restarts=2, window=60, delay=0.01)
    assert code == 3
    assert starts.read_text().splitlines() == ["started"] * 3


def test_a_signal_stops_the_children_and_returns_0(tmp_path):
    marker = tmp_path / "stopped"
    child = [sys.executable, "-c",
             "import signal, time\n"
             f"signal.signal(signal.SIGTERM, lambda *_: (open({str(marker)!r}, 'w').close(), "
             "exit(0)))\n"
             "time.sleep(60)"]
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert run_children([child], dict(os.environ), max_restarts=2, delay=0.01) == 0
    finally:
        timer.cancel()
    assert marker.exists()
