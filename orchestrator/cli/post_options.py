"""The calendar's options of ``post create`` (``--queue``, ``--repeat``, ``--missed-after``)
and of ``post publish-now`` (``--override-embargo``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from schedules.planning import Created


def add_create_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--queue", action="store_true",
                   help="instead of --at: the earliest posting slot free on every channel "
                        "(within 90 days)")
    p.add_argument("--repeat", metavar="RRULE",
                   help="with --at: a series, e.g. 'FREQ=WEEKLY;BYDAY=FR;COUNT=8' (RFC 5545)")
    p.add_argument("--missed-after", metavar="DURATION",
                   help="not sent if it cannot start within this long after its time "
                        "(90s, 30m, 2h; default SIARAN_MISSED_AFTER, 60m)")


def create_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`schedules.planning.create` these options give."""
    from orchestrator.domain.windows import parse_duration

    return {"queue": args.queue, "repeat": args.repeat,
            "missed_after": parse_duration(args.missed_after) if args.missed_after else None}


def created_view(made: Created, tz: ZoneInfo) -> dict:
    """``{"id"}``, plus the time a queued post got, or the series a repeated one started and
    the time of its first occurrence."""
    from orchestrator.editorial.views import local

    shown: dict[str, object] = {"id": made.post_id}
    if made.queued or made.series_id is not None:
        shown["scheduled_at"] = local(made.scheduled_at, tz)
    if made.series_id is not None:
        shown["series_id"] = made.series_id
    return shown


def add_override_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--override-embargo", action="store_true",
                   help="publish although an embargo is in force (admin only; needs --reason)")
    p.add_argument("--reason", help="why the embargo is overridden (recorded in the audit log)")


def override_options(args: argparse.Namespace) -> dict:
    """``override_embargo=<reason>`` when the embargo is overridden, else nothing."""
    if not getattr(args, "override_embargo", False):
        return {}
    return {"override_embargo": args.reason or ""}
