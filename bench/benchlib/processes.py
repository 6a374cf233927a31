"""Worker and scheduler processes started by a benchmark, with their CPU and memory."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import redis

from benchlib.common import BENCH_DIR, children, cpu_seconds, descendants, python, status_kb
from orchestrator.runtime.config import DRAMATIQ_IDLE_POLL_MS


class Child:
    """One command run in its own session, output to a log file."""

    def __init__(self, cmd: list[str], env: dict[str, str], log_path: Path) -> None:
        self.cmd = cmd
        self.log_path = log_path
        self._log = open(log_path, "a")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **env}, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def cpu_seconds(self) -> float:
        """CPU used so far by the process and everything it started."""
        return sum(cpu_seconds(p) for p in [self.pid, *descendants(self.pid)])

    def stop(self, timeout: float = 30) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Workers(Child):
    """``python -m dramatiq MODULE -p P -t T``: a parent and P worker processes."""

    def __init__(self, module: str, processes: int, threads: int, env: dict[str, str],
                 log_path: Path) -> None:
        self.processes, self.threads = processes, threads
        cmd = [python(), "-m", "dramatiq", module, "--skip-logging",
               "--processes", str(processes), "--threads", str(threads)]
        super().__init__(cmd, env, log_path)

    def worker_pids(self) -> list[int]:
        """The worker processes (the parent only forwards logs and signals)."""
        return children(self.pid)

    def peak_rss_mb(self) -> list[float]:
        """VmHWM of each worker process, in MB."""
        return [round(status_kb(p, "VmHWM") / 1024, 1) for p in self.worker_pids()]

    def wait_started(self, timeout: float = 30) -> None:
        """Until the worker processes exist (they connect to Redis right after)."""
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < self.processes:
            if not self.alive():
                raise SystemExit(f"workers exited; see {self.log_path}")
            if time.monotonic() > deadline:
                raise SystemExit(f"workers did not start; see {self.log_path}")
            time.sleep(0.1)


def _with_bench_path(env: dict[str, str]) -> dict[str, str]:
    """``env`` with ``bench/`` on PYTHONPATH, so workers can import ``benchlib``."""
    path = os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH")) if p)
    return {**env, "PYTHONPATH": path}


def siaran_workers(processes: int, threads: int, env: dict[str, str], log_path: Path
                   ) -> Workers:
    """What ``siaran worker`` runs, with its idle poll."""
    env = {"dramatiq_worker_timeout": str(DRAMATIQ_IDLE_POLL_MS), **env}
    return Workers("orchestrator.pipeline.worker_main", processes, threads, env, log_path)


def raw_workers(processes: int, threads: int, env: dict[str, str], log_path: Path) -> Workers:
    return Workers("benchlib.raw_dramatiq", processes, threads, _with_bench_path(env), log_path)


def scheduler(env: dict[str, str], log_path: Path) -> Child:
    """``siaran scheduler``."""
    return Child([python(), "-m", "orchestrator.cli.main", "scheduler"], env, log_path)


class CPUMeter:
    """Where the machine's CPU went during a run: named processes, Redis, this driver, and
    everything else (the database server, other load on the machine)."""

    def __init__(self, redis_url: str, processes: dict[str, Child | int]) -> None:
        self.client = redis.Redis.from_url(redis_url)
        self.processes = processes
        self._start: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        stat = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        info = self.client.info("cpu")
        now = {"machine": (sum(stat[:8]) - stat[3] - stat[4]) / os.sysconf("SC_CLK_TCK"),
               "redis": float(info["used_cpu_sys"]) + float(info["used_cpu_user"]),
               "driver": sum(os.times()[:2]), "wall": time.perf_counter()}
        for name, proc in self.processes.items():
            now[name] = (proc.cpu_seconds() if isinstance(proc, Child)
                         else sum(cpu_seconds(p) for p in [proc, *descendants(proc)]))
        return now

    def start(self) -> None:
        self._start = self._now()

    def stop(self, units: int) -> dict[str, float]:
        """CPU milliseconds per unit of work for each part, ``other`` and the wall time."""
        end = self._now()
        spent = {k: end[k] - self._start[k] for k in end}
        wall = spent.pop("wall")
        machine = spent.pop("machine")
        spent["other"] = max(0.0, machine - sum(spent.values()))
        out = {f"{k}_ms": round(1000 * v / units, 3) for k, v in spent.items()}
        out["machine_busy_cores"] = round(machine / wall, 2) if wall else None
        return out
