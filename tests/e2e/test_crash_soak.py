"""Crash safety, bounded for CI: 500 deliveries over 8 channels while worker processes are
SIGKILLed every 1–3 s, Redis restarts empty half-way and the sandbox injects faults.

Counted from the sandbox's records. ``bench/soak.py`` runs the 10,000-delivery version.
"""

from __future__ import annotations

from bench.soaklib import run_soak


def test_kills_and_an_empty_redis_lose_nothing_and_duplicate_nothing(tmp_path):
    report = run_soak(tmp_path, deliveries=500, accounts=4, workers=2, threads=8,
                      timeout=240, progress=lambda _line: None)
    assert report.worker_kills >= 3 and report.redis_restarts == 1
    assert report.duplicates == 0
    assert report.lost == 0
    assert report.phantom == 0
    assert report.published + report.failed + report.unknown == report.deliveries
    assert report.unknown == 0 and report.failed == 0, report
