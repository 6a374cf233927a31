"""Worker entry module for measuring proposed changes before anyone makes them.

``python -m dramatiq benchlib.experiments`` (``bench/`` on ``PYTHONPATH``) applies the
patches named in ``BENCH_EXPERIMENTS`` (comma-separated) to Siaran's modules, then loads
Siaran's worker exactly as ``orchestrator.worker_main`` does. ``bench/throughput.py
--experiments NAME,…`` runs its Siaran workers through here. Each patch is the change a
proposal in docs/BENCHMARKS.md describes, written so that it can be measured today; each
checks that the code it replaces still looks as expected and refuses to run otherwise.
Once a proposal is adopted (or rejected) its patch here should be deleted.

- ``env_once``: an HTTP session works out the environment's proxy and CA settings for its
  host once, not on every request (``connectors/http.py``, ``RebasingSession``).
- ``sqlite_lock``: writers of one process queue on a lock before ``BEGIN IMMEDIATE``
  instead of polling SQLite's busy handler (``orchestrator/store/db.py``,
  ``Database.write``).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

NAMES = ("env_once", "sqlite_lock")


def _expect(module, *names: str) -> None:
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        raise SystemExit(f"experiment no longer applies: {module.__name__} lacks {missing}")


def env_once() -> None:
    from urllib.parse import urlsplit

    from connectors import http

    _expect(http, "RebasingSession")
    original = http.RebasingSession.merge_environment_settings

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        if proxies:
            return original(self, url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        cache = self.__dict__.setdefault("_environment_settings", {})
        if key not in cache:
            cache[key] = original(self, url, proxies, stream, verify, cert)
        settings = cache[key]
        return {**settings, "proxies": dict(settings["proxies"])}

    http.RebasingSession.merge_environment_settings = merge_environment_settings


def sqlite_lock() -> None:
    from orchestrator.store.db import Database

    original = Database.write
    lock = threading.Lock()

    @contextmanager
    def write(self):
        if not self.is_sqlite:
            with original(self) as conn:
                yield conn
            return
        with lock, original(self) as conn:
            yield conn

    Database.write = write


for _name in filter(None, os.environ.get("BENCH_EXPERIMENTS", "").split(",")):
    if _name not in NAMES:
        raise SystemExit(f"unknown experiment {_name!r}; known: {', '.join(NAMES)}")
    globals()[_name]()

from orchestrator import worker_main  # noqa: E402,F401 - Siaran's worker, after the patches
