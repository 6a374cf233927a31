"""Counters and histograms of the delivery path and the scheduler, summed over processes.

A process turns its metrics on with :func:`start` (a worker process, the scheduler); until
then every recording function here is one ``None`` test and nothing more, so code run in a
test or a benchmark records nothing. Once on, prometheus-client runs in its multiprocess
mode: each process writes its values to its own files in ``settings.metrics_dir`` and the
HTTP app's ``/metrics`` sums every file (``ops/metrics.py``). prometheus-client finds that
directory in ``PROMETHEUS_MULTIPROC_DIR``, which :func:`start` sets (through the settings
module, the one reader and writer of the environment) before the first metric is made.

A launcher (``siaran up``, ``worker``, ``scheduler``, ``web``, ``demo``) calls
:func:`prepare` first: the directory is created and the files of processes that are gone
are removed, as prometheus-client's documentation advises (their counts would otherwise be
summed for ever, and a later process with the same pid would take them over).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from orchestrator.runtime import config
from orchestrator.runtime.config import Settings
from orchestrator.store.private import private_dir

#: Lateness of a request after its due time, seconds: from "on time" to "an hour late".
LATENESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
#: A platform request, seconds (the HTTP timeout is 15 s by default).
REQUEST_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30)
#: One scheduler pass, seconds.
TICK_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
_FILE = re.compile(r"^[a-z_]+_(\d+)\.db$")


@dataclass(frozen=True)
class _Metrics:
    deliveries: object
    attempts: object
    lateness: object
    request: object
    tick: object


_on: _Metrics | None = None
_made: _Metrics | None = None


def prepare(settings: Settings) -> Path:
    """Create the metrics directory and remove the files of processes no longer running."""
    directory = settings.metrics_dir
    private_dir(directory)
    for path in directory.iterdir():
        found = _FILE.match(path.name)
        if found and not _alive(int(found[1])):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return directory


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def start(settings: Settings) -> None:
    """Record this process's metrics into the shared directory from now on."""
    global _on, _made
    if _made is not None:
        _on = _made
        return
    settings.metrics_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config.export_metrics_dir(settings)
    from prometheus_client import Counter, Histogram, values

    if not getattr(values.ValueClass, "_multiprocess", False):
        # prometheus-client was imported before the variable was set: choose again.
        values.ValueClass = values.get_value_class()
    _on = _made = _Metrics(
        deliveries=Counter("siaran_deliveries", "Deliveries settled by a worker, by "
                           "platform and the state it left them in",
                           ["platform", "status"]),
        attempts=Counter("siaran_attempts", "Requests made to platforms, by platform and "
                         "error kind (none: published)", ["platform", "error_kind"]),
        lateness=Histogram("siaran_publish_lateness_seconds", "From a delivery's due time "
                           "(its post's time, or its retry time) to its request",
                           ["platform"], buckets=LATENESS_BUCKETS),
        request=Histogram("siaran_platform_request_seconds", "Duration of a publish "
                          "through a platform's API, by platform and outcome",
                          ["platform", "outcome"], buckets=REQUEST_BUCKETS),
        tick=Histogram("siaran_scheduler_tick_seconds", "Duration of one scheduler pass",
                       buckets=TICK_BUCKETS),
    )


def stop() -> None:
    """Record nothing more in this process (until :func:`start` again): benchmarks."""
    global _on
    _on = None


def started() -> bool:
    """True once :func:`start` has run in this process."""
    return _on is not None


def delivered(platform: str, status: str) -> None:
    """A delivery left in ``status`` (published, failed, unknown, missed, held)."""
    if _on is not None:
        _on.deliveries.labels(platform, status).inc()


def attempted(platform: str, error_kind: str | None, seconds: float) -> None:
    """A request to a platform and how long it took; ``error_kind`` None: it published."""
    if _on is not None:
        _on.attempts.labels(platform, error_kind or "none").inc()
        _on.request.labels(platform, "error" if error_kind else "published").observe(seconds)


def late(platform: str, seconds: float) -> None:
    """A request started ``seconds`` after its delivery was due."""
    if _on is not None and seconds >= 0:
        _on.lateness.labels(platform).observe(seconds)


def ticked(seconds: float) -> None:
    """One scheduler pass took ``seconds``."""
    if _on is not None:
        _on.tick.observe(seconds)
