"""``siaran pillar …`` and ``siaran mix``: the content pillars and the planned mix."""

from __future__ import annotations

import argparse

from connectors.errors import ValidationError
from orchestrator.cli.output import emit_json, table
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import open_context
from schedules import mix, pillars
from schedules.timeparse import parse_day


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
