"""The benchmarks keep working: the quickest one runs end to end and reports its figures."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.fixtures.services import repo_root


def test_deliver_cpu_runs_and_ends_with_its_json_line(redis_url, monkeypatch):
    monkeypatch.setenv("BENCH_REDIS_URL", redis_url)
    result = subprocess.run(
        [sys.executable, "bench/deliver_cpu.py", "--quick", "--posts", "15", "--reps", "1",
         "--metrics"],
        cwd=repo_root(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "deliver_cpu" and figures["deliveries_per_run"] == 60
    assert figures["siaran_ms"] > 0 and figures["baseline_ms"] > 0 and figures["ratio"] > 0
    assert figures["metrics_on_ms"] > 0 and figures["metrics_off_ms"] > 0


def test_cli_start_runs_and_ends_with_its_json_line():
    result = subprocess.run(
        [sys.executable, "bench/cli_start.py", "--quick", "--rounds", "1"],
        cwd=repo_root(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "cli_start" and figures["rounds"] == 1
    assert figures["python_pass_ms"] > 0 and figures["channel_list_ms"] > 0
    assert figures["help_ratio"] > 0 and figures["channel_list_ratio"] > 0
