"""Arguments, machine facts, process accounting, medians and the closing JSON line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench"
_TICKS = os.sysconf("SC_CLK_TCK")


def parser(description: str, *, postgres: bool = True) -> argparse.ArgumentParser:
    """The options every benchmark takes: ``--no-postgres`` where both databases run,
    else ``--database`` to choose one."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small run, under a minute")
    if postgres:
        p.add_argument("--no-postgres", action="store_true",
                       help="skip PostgreSQL even when it is reachable")
    else:
        p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory (logs, SQLite files) and print its path")
    return p


def workdir(name: str) -> Path:
    """A fresh directory for one benchmark's files."""
    return Path(tempfile.mkdtemp(prefix=f"siaran-bench-{name}-"))


def machine() -> dict:
    """nproc, CPU model, RAM, Python, date: what a figure was measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"), "nproc": os.cpu_count(),
            "cpu": model, "ram_gb": mem_gb, "python": platform.python_version()}


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest-rank on the sorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def say(*parts: object) -> None:
    """A human-readable line on stdout, flushed (the JSON line comes last)."""
    print(*parts, flush=True)


def emit(name: str, results: dict) -> None:
    """The one closing JSON line of a benchmark."""
    print(json.dumps({"bench": name, **results}, default=_round), flush=True)


def finish(name: str, results: dict, root, keep: bool, started: float) -> None:
    """Close a benchmark: its duration, the JSON line, and the work directory kept or gone."""
    import shutil
    import time

    results["seconds"] = round(time.monotonic() - started)
    emit(name, results)
    if keep:
        say(f"work directory kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


def _round(value: object) -> object:
    return str(value)


def r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# processes -----------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(c) for c in text]
    except OSError:
        pass
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def status_kb(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (VmHWM = peak RSS, VmRSS = now)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def python() -> str:
    return sys.executable
