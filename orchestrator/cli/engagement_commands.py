"""``siaran engagement pull|run`` and ``siaran report engagement|growth``."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli.output import emit_json, table
from orchestrator.cli.parser import Commands
from orchestrator.runtime.config import Settings

#: A pull of at least this many posts shows its progress on standard error.
LONG_PULL = 200


def register(sub: Commands) -> None:
    p = sub.add_parser("engagement", help="read published posts' engagement back from the "
                                          "platforms")
    esub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    r = esub.add_parser("pull", help="read now, outside the schedule")
    r.add_argument("--post", type=int, metavar="ID",
                   help="only this post's deliveries (default: every one still on its "
                        "schedule)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_pull)
    r = esub.add_parser("run", help="read on the decaying schedule and take each channel's "
                                    "audience daily, until stopped")
    r.set_defaults(handler=cmd_run)
    p = sub.add_parser("report", help="reports: engagement by pillar, channel or post; "
                                      "audience growth")
    rsub = p.add_subparsers(dest="report", required=True, metavar="REPORT")
    r = rsub.add_parser("engagement", help="totals and per-post averages, by pillar beside "
                                           "the mix, by channel or by post")
    _period(r)
    r.add_argument("--by", choices=["pillar", "channel", "post"], default="pillar")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_report_engagement, logs=False)
    r = rsub.add_parser("growth", help="each channel's audience growth over the period")
    _period(r)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_report_growth, logs=False)


def _period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="first day (default: 28 days before --to)")
    p.add_argument("--to", dest="end", metavar="DATE",
                   help="day after the last (exclusive; default: tomorrow, so today counts)")


def _bounds(settings: Settings, args: argparse.Namespace):
    from schedules.timeparse import parse_day

    tz = settings.timezone
    return (parse_day(args.start, tz) if args.start else None,
            parse_day(args.end, tz) if args.end else None)


def _progress(done: int, total: int) -> None:
    if total < LONG_PULL:
        return
    if sys.stderr.isatty():
        print(f"\rread {done}/{total} posts", end="" if done < total else "\n",
              file=sys.stderr, flush=True)
    elif done == total or done * 10 // total != (done - 1) * 10 // total:
        print(f"read {done}/{total} posts", file=sys.stderr, flush=True)


def cmd_pull(settings: Settings, args: argparse.Namespace) -> int:
    from ops.engagement.pull import pull_now
    from orchestrator.runtime.context import open_context

    result = pull_now(open_context(settings), args.post, progress=_progress).view()
    if args.json:
        emit_json(result)
    else:
        print(f"read {result['read']} posts, {result['missing']} no longer on their "
              f"platform, {result['failed']} left for the next round")
        for channel, error in result["errors"].items():
            print(f"  {channel}: {error}")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from ops.engagement.loop import run
    from orchestrator.cli.processes import stopped_by_signals
    from orchestrator.runtime.context import open_context
    from orchestrator.runtime.logging import configure

    configure(settings.log_format)
    stop = stopped_by_signals()
    ctx = open_context(settings)
    try:
        run(ctx, stop)
    finally:
        ctx.db.dispose()
    return 0


def _n(value: object) -> str:
    """A number as shown: ``n/a`` when the platform does not tell."""
    if value is None:
        return "n/a"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def cmd_report_engagement(settings: Settings, args: argparse.Namespace) -> None:
    from ops.engagement.report import engagement_report
    from orchestrator.runtime.context import open_context

    start, end = _bounds(settings, args)
    found = engagement_report(open_context(settings), start, end, args.by)
    if args.json:
        emit_json(found)
        return
    print(f"engagement from {found['from']} to {found['to']}, by {found['by']} "
          "(totals of each post's latest reading; averages per post)")
    shown = []
    for g in found["groups"]:
        row = {k: g[k] for k in ("pillar", "channel", "post", "title") if k in g}
        if args.by == "pillar":
            row["target"] = "-" if g["target"] is None else f"{g['target']:g} %"
            row["share"] = "-" if g["share"] is None else f"{g['share']:.1f} %"
        row["posts"] = g["posts"]
        for name in ("views", "reactions", "comments", "shares", "interactions"):
            row[name] = _n(g["totals"][name])
        row["avg_views"] = _n(g["average"]["views"])
        row["avg_interactions"] = _n(g["average"]["interactions"])
        shown.append(row)
    columns = list(shown[0]) if shown else ["posts"]
    table(shown, columns)
    t = found["total"]
    print(f"total: {t['posts']} posts, {_n(t['totals']['views'])} views, "
          f"{_n(t['totals']['interactions'])} interactions")


def cmd_report_growth(settings: Settings, args: argparse.Namespace) -> None:
    from ops.engagement.report import growth_report
    from orchestrator.runtime.context import open_context

    start, end = _bounds(settings, args)
    found = growth_report(open_context(settings), start, end)
    if args.json:
        emit_json(found)
        return
    print(f"audience from {found['from']} to {found['to']}")
    table([{"channel": c["channel"], "platform": c["platform"], "from": c["first"]["day"],
            "followers": _n(c["first"]["followers"]), "to": c["last"]["day"],
            "now": _n(c["last"]["followers"]),
            "growth": "n/a" if c["growth"] is None else f"{c['growth']:+,}",
            "percent": "n/a" if c["growth_percent"] is None
            else f"{c['growth_percent']:+.2f} %"} for c in found["channels"]],
          ["channel", "platform", "from", "followers", "to", "now", "growth", "percent"])
