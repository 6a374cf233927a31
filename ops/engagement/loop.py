"""``siaran engagement run``: the decaying schedule and the daily audience snapshot, in one
loop (part of ``siaran up`` and ``siaran demo``).

Every :data:`ROUND_SECONDS` it reads the engagement that has fallen due and, once per day
of the office's calendar, each channel's audience. Running two loops reads some posts twice
(two snapshots, the later one counts); nothing else is shared.
"""

from __future__ import annotations

import threading

import structlog

from ops.engagement import audience, pull
from orchestrator.runtime.context import Context

log = structlog.get_logger("siaran.engagement")
#: Seconds between two rounds (the schedule's finest step is an hour by default).
ROUND_SECONDS = 60.0


def round_once(ctx: Context) -> pull.PullResult:
    """One round: due engagement, then the audiences not yet read today."""
    result = pull.pull_due(ctx)
    if result.read or result.failed:
        log.info("engagement round", **result.view())
    read = audience.snapshot(ctx)
    if read:
        log.info("audience read", channels=len(read))
    return result


def run(ctx: Context, stop: threading.Event, every: float = ROUND_SECONDS) -> None:
    """Rounds until ``stop`` is set; an unexpected failure is logged and the loop goes on."""
    while not stop.is_set():
        try:
            round_once(ctx)
        except Exception:  # noqa: BLE001 - the loop outlives one bad round
            log.exception("engagement round failed")
        stop.wait(every)
