"""The metrics directory: created private, cleared of the files of processes that are gone."""

from __future__ import annotations

import os
import subprocess
import sys

from orchestrator.runtime import config, metrics


def test_prepare_removes_only_the_files_of_dead_processes(tmp_path):
    settings = config.load({"SIARAN_DATA_DIR": str(tmp_path / "data")})
    directory = metrics.prepare(settings)
    assert directory == tmp_path / "data" / "metrics"
    assert directory.stat().st_mode & 0o777 == 0o700
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    mine = os.getpid()
    for name in (f"counter_{gone}.db", f"histogram_{gone}.db", f"counter_{mine}.db",
                 "notes.txt"):
        (directory / name).write_bytes(b"")
    metrics.prepare(settings)
    assert sorted(p.name for p in directory.iterdir()) == [f"counter_{mine}.db", "notes.txt"]


def test_children_are_told_the_directory(tmp_path):
    settings = config.load({"SIARAN_DATA_DIR": str(tmp_path / "data"),
                            "SIARAN_METRICS_DIR": str(tmp_path / "m")})
    env = config.child_environment(settings)
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "m")
    assert config.load({"SIARAN_DATA_DIR": "/srv/siaran"}).metrics_dir.as_posix() == (
        "/srv/siaran/metrics")


def test_recording_before_start_records_nothing():
    assert not metrics.started()
    metrics.delivered("x", "published")
    metrics.attempted("x", None, 0.1)
    metrics.late("x", 1.0)
    metrics.ticked(0.01)
    assert not metrics.started()
