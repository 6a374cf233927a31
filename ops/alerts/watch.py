"""``siaran watch``: the loop that looks at the state, coalesces events, sends alerts and
the daily digest. Its own process (or thread): publishing never waits for it, and it
does not depend on the scheduler (whose silence it reports)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import structlog

from ops.alerts import detect, digest, sending
from orchestrator.runtime.context import Context

log = structlog.get_logger("siaran.alerts")
#: Alert messages attempted at once.
SENDERS = 4


def run_once(ctx: Context, redis=None, *, started: datetime | None = None,
             pool: ThreadPoolExecutor | None = None) -> list[sending.Attempted]:
    """One pass: detect, fan due events out to the targets, the digest, then send."""
    detect.detect(ctx, redis, started=started)
    sending.fan_out(ctx)
    digest.send_due(ctx)
    return sending.send_pending(ctx, pool)


def run(ctx: Context, stop: threading.Event, redis=None) -> None:
    """Pass every ``SIARAN_ALERT_INTERVAL`` seconds until ``stop`` is set; errors are
    logged and the loop goes on."""
    started = ctx.now()
    log.info("alert watcher started", interval=ctx.settings.alerts.interval)
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="alert") as pool:
        while not stop.is_set():
            try:
                run_once(ctx, redis, started=started, pool=pool)
            except Exception:  # noqa: BLE001 - a failing pass must not stop the watcher
                log.exception("alert watcher pass failed")
            stop.wait(ctx.settings.alerts.interval)
    log.info("alert watcher stopped")
