"""``siaran pillar …``, ``mix``, ``series …``, ``pause``, ``resume`` and ``status``: the
content pillars and the mix, series, and the embargo (``status`` runs in
:mod:`orchestrator.cli.status_command`)."""

from __future__ import annotations

import argparse
import sys

from connectors.errors import ValidationError
from orchestrator.cli.output import emit_json, table
from orchestrator.cli.parser import Lazy
from orchestrator.runtime.config import Settings

# Loaded when a handler runs, not while the parser is built.
local = Lazy("orchestrator.editorial.views", "local")
relay_now = Lazy("orchestrator.pipeline.outbox", "relay_now")
open_context = Lazy("orchestrator.runtime.context", "open_context")
embargo, mix = Lazy("schedules.embargo"), Lazy("schedules.mix")
pillars, series = Lazy("schedules.pillars"), Lazy("schedules.series")
parse_day = Lazy("schedules.timeparse", "parse_day")
parse_time = Lazy("schedules.timeparse", "parse_time")


def register(sub: argparse._SubParsersAction) -> None:
    pillar = sub.add_parser("pillar", help="content pillars and their target shares")
    psub = pillar.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, helptext in (("add", "add a pillar"),
                           ("update", "change a pillar's target, colour or labels")):
        p = psub.add_parser(name, help=helptext)
        p.add_argument("name")
        p.add_argument("--target", type=float, required=name == "add", metavar="PCT",
                       help="target share of the calendar, in percent")
        p.add_argument("--color", metavar="#RRGGBB")
        p.add_argument("--label-id", metavar="TEXT", help="label in Bahasa Indonesia")
        p.add_argument("--label-en", metavar="TEXT", help="label in English")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_pillar_change, action=name)
    p = psub.add_parser("list", help="pillars with their target shares")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_pillar_list)

    p = sub.add_parser("mix", help="the pillar mix of a period: planned and published posts "
                                   "against the targets")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="first day (default: Monday of this week)")
    p.add_argument("--to", dest="end", metavar="DATE",
                   help="day after the last (exclusive; default: a week after --from)")
    p.add_argument("--channel", metavar="NAME", help="only posts to this channel")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_mix)

    _register_series(sub)
    _register_embargo(sub)


def _register_series(sub: argparse._SubParsersAction) -> None:
    found = sub.add_parser("series", help="repeated posts (post create --at … --repeat RRULE)")
    ssub = found.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ssub.add_parser("list", help="every series")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_series_list)
    for name, helptext in (("show", "a series and its occurrences"),
                           ("cancel", "stop a series; its occurrences not yet sent are "
                                      "cancelled")):
        p = ssub.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_series_show if name == "show" else cmd_series_cancel)
    p = ssub.add_parser("edit", help="change one occurrence (a post id); it then needs its "
                                     "own approval")
    p.add_argument("post_id", type=int, metavar="POST_ID")
    p.add_argument("--title")
    p.add_argument("--text")
    p.add_argument("--at", help="its own time: ISO 8601 or 'YYYY-MM-DD HH:MM' (office zone)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_series_edit)


def _register_embargo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pause", help="embargo: stop every channel at once (--all)")
    p.add_argument("--all", action="store_true", required=True, dest="everything",
                   help="every channel (required)")
    p.add_argument("--reason", required=True, help="why (shown on every held delivery)")
    p.add_argument("--from", dest="start", metavar="TIME", help="planned start (default now)")
    p.add_argument("--until", metavar="TIME", help="planned end (default: until resume --all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_pause)
    p = sub.add_parser("resume", help="lift the embargo (--all); held deliveries go out, or "
                                      "are missed past their window")
    p.add_argument("--all", action="store_true", required=True, dest="everything")
    p.add_argument("--id", type=int, dest="embargo_id",
                   help="lift this embargo only (one planned ahead, say)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_resume)
    p = sub.add_parser("status", help="ready to publish? the checks of /readyz, the embargo, "
                                      "channel states; exit status 1 when not ready")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=Lazy("orchestrator.cli.status_command", "cmd_status"))


def cmd_pillar_change(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    change = pillars.add_pillar if args.action == "add" else pillars.update_pillar
    pillar = change(ctx, args.name, target=args.target, color=args.color,
                    label_id=args.label_id, label_en=args.label_en)
    if args.json:
        emit_json(pillars.pillar_view(pillar))
    else:
        print(f"pillar {pillar.name}: target {pillar.target:g} %"
              + (" (added)" if args.action == "add" else " (updated)"))


def cmd_pillar_list(settings: Settings, args: argparse.Namespace) -> None:
    shown = [pillars.pillar_view(p) for p in pillars.list_pillars(open_context(settings))]
    if args.json:
        emit_json(shown)
        return
    table(shown, ["name", "target", "color", "label_id", "label_en"])
    total = sum(p["target"] for p in shown)
    if shown and abs(total - 100) > 1e-9:
        print(f"targets add up to {total:g} %, not 100 %")


def cmd_mix(settings: Settings, args: argparse.Namespace) -> None:
    tz = settings.timezone
    start = parse_day(args.start, tz) if args.start else None
    end = parse_day(args.end, tz) if args.end else None
    if start and end and end <= start:
        raise ValidationError("--to must be after --from")
    found = mix.mix(open_context(settings), start, end, args.channel)
    shown = mix.mix_view(found, tz)
    if args.json:
        emit_json(shown)
        return
    print(f"mix from {shown['from']} to {shown['to']}: {shown['planned']} planned, "
          f"{shown['published']} published")
    table([{"pillar": p["pillar"], "target": f"{p['target']:g} %",
            "planned": p["planned"], "share": _pct(p["share"]["planned"]),
            "deviation": _points(p["deviation"]["planned"]), "published": p["published"],
            "published_share": _pct(p["share"]["published"]),
            "published_deviation": _points(p["deviation"]["published"])}
           for p in shown["pillars"]],
          ["pillar", "target", "planned", "share", "deviation", "published",
           "published_share", "published_deviation"])


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f} %"


def _points(value: float | None) -> str | None:
    return None if value is None else f"{value:+.1f} pt"


def cmd_series_list(settings: Settings, args: argparse.Namespace) -> None:
    tz = settings.timezone
    shown = [series.series_view(s, occ, tz) for s, occ in
             series.list_series(open_context(settings))]
    if args.json:
        emit_json(shown)
    else:
        table(shown, ["id", "status", "rule", "first", "next", "written", "pillar", "title"])


def cmd_series_show(settings: Settings, args: argparse.Namespace) -> None:
    found, occurrences, digest = series.show_series(open_context(settings), args.id)
    shown = series.series_view(found, occurrences, settings.timezone, digest)
    if args.json:
        emit_json(shown)
        return
    print(f"series {shown['id']}: {shown['title']}  [{shown['status']}]")
    print(f"rule {shown['rule']} from {shown['first']}, pillar {shown['pillar']}, "
          f"author {shown['author']}, approver {shown['approver'] or '-'}"
          + (", ended" if shown["ended"] else ""))
    table(shown["occurrences"], ["id", "scheduled_at", "status", "own_approval"])


def cmd_series_cancel(settings: Settings, args: argparse.Namespace) -> None:
    cancelled = series.cancel_series(open_context(settings), args.id)
    if args.json:
        emit_json({"id": args.id, "status": "cancelled", "cancelled_posts": cancelled})
    else:
        print(f"series {args.id}: cancelled, {len(cancelled)} occurrences cancelled")


def cmd_series_edit(settings: Settings, args: argparse.Namespace) -> None:
    at = parse_time(args.at, settings.timezone) if args.at else None
    post = series.edit_occurrence(open_context(settings), args.post_id, title=args.title,
                                  text=args.text, at=at)
    if args.json:
        emit_json({"id": post.id, "series_id": post.series_id, "status": post.status.value,
                   "scheduled_at": local(post.scheduled_at, settings.timezone)})
    else:
        print(f"post {post.id}: {post.status.value} (needs its own approval)")


def cmd_pause(settings: Settings, args: argparse.Namespace) -> None:
    tz = settings.timezone
    start = parse_time(args.start, tz) if args.start else None
    until = parse_time(args.until, tz) if args.until else None

    def progress(left: list[int]) -> None:
        if left and not args.json:
            print(f"waiting for {len(left)} request{'s' if len(left) > 1 else ''} in flight "
                  f"to finish: deliveries {', '.join(map(str, left[:10]))}"
                  + (" …" if len(left) > 10 else ""), file=sys.stderr, flush=True)

    ctx = open_context(settings)
    paused = embargo.pause_all(ctx, args.reason, starts_at=start, ends_at=until,
                               progress=progress)
    shown = embargo.paused_view(paused, tz)
    if args.json:
        emit_json(shown)
        return
    if not paused.in_force:
        print(f"embargo {shown['id']} planned from {shown['since']}"
              + (f" until {shown['until']}" if shown["until"] else "") + f": {shown['reason']}")
        return
    print(f"embargo {shown['id']} in force since {shown['since']}: every channel stopped, "
          f"{paused.held} deliveries held")
    if paused.in_flight:
        print(f"siaran: warning: {len(paused.in_flight)} requests were still in flight when "
              f"the wait ran out: deliveries {', '.join(map(str, paused.in_flight))}",
              file=sys.stderr)
    elif not paused.flagged:
        print("siaran: warning: no Redis reachable: no worker can be running; the embargo "
              "holds through the database", file=sys.stderr)


def cmd_resume(settings: Settings, args: argparse.Namespace) -> None:
    ctx = open_context(settings)
    resumed = embargo.resume_all(ctx, embargo_id=args.embargo_id)
    if resumed.released:
        relay_now(ctx)
    shown = embargo.resumed_view(resumed, settings.timezone)
    if args.json:
        emit_json(shown)
    elif resumed.still:
        print(f"embargo {', '.join(map(str, shown['lifted']))} lifted; embargo "
              f"{resumed.still.id} still in force: {resumed.still.reason}")
    else:
        print(f"embargo {', '.join(map(str, shown['lifted']))} lifted: {resumed.released} "
              f"deliveries released, {resumed.missed} missed their window")


def print_embargo(shown: dict) -> None:
    """The embargo as ``siaran status`` tells it: in force, planned, or none."""
    current = shown["embargo"]
    if current:
        print(f"embargo {current['id']} in force since {current['since']}"
              + (f" until {current['until']}" if current["until"] else "")
              + f" (by {current['by']}): {current['reason']}")
        print(f"{shown['held']} deliveries held")
    else:
        print("no embargo in force: publishing")
    for planned in shown["planned"]:
        print(f"embargo {planned['id']} planned from {planned['since']}"
              + (f" until {planned['until']}" if planned["until"] else "")
              + f": {planned['reason']}")
