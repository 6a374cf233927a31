"""``siaran post …`` and ``siaran calendar``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from connectors.errors import ValidationError
from orchestrator.cli import post_options
from orchestrator.cli.output import emit_json, table, when
from orchestrator.cli.parser import Commands
from orchestrator.cli.parsing import pairs
from orchestrator.domain.states import PostStatus
from orchestrator.runtime.config import Settings

DELIVERY_COLUMNS = ["id", "post_id", "channel", "platform", "status", "attempts",
                    "last_attempt_at", "next_attempt_at", "error_kind", "permalink"]
#: Actions that take a post id and move it; their service functions are in ``workflow``
#: (``publish-now`` in ``publishing``).
ACTIONS = (("submit", "send a draft to review"),
           ("approve", "approve a post under review"),
           ("cancel", "cancel a post and its unsent deliveries"),
           ("publish-now", "publish an approved post immediately"))


def register(sub: Commands) -> None:
    post = sub.add_parser("post", help="posts: write, edit, review, approve, publish")
    psub = post.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = psub.add_parser("create", help="write a draft post")
    p.add_argument("--title", required=True)
    _text_arguments(p, required=True)
    p.add_argument("--pillar", required=True)
    p.add_argument("--channel", action="append", required=True, dest="channels")
    p.add_argument("--at", help="publication time: 'YYYY-MM-DD HH:MM' in the office zone, "
                                "optionally followed by WIB, WITA or WIT; or ISO 8601")
    post_options.add_create_options(p)
    _content_arguments(p)
    p.add_argument("--on-approval", action="store_true",
                   help="instead of --at: published as soon as it is approved")
    p.add_argument("--thread", action="store_true",
                   help="X may publish a text longer than one post as a thread")
    p.add_argument("--excerpt", help="WordPress excerpt")
    p.add_argument("--category", action="append", default=[], help="WordPress category")
    p.add_argument("--tag", action="append", default=[], help="WordPress tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_create)

    p = psub.add_parser("edit", help="change a draft, rejected, in-review or approved post "
                                     "(a change makes it a draft again)",
                          description="Only what is given changes. A platform named by "
                          "--variant, --variant-title or --hashtags gets exactly the variant "
                          "given (its fields not given are removed); --no-variant removes "
                          "one. An edit that changes nothing leaves the post as it is.")
    p.add_argument("id", type=int)
    p.add_argument("--title")
    _text_arguments(p, required=False)
    p.add_argument("--pillar")
    p.add_argument("--channel", action="append", dest="channels",
                   help="the post's channels (repeatable; replaces them all)")
    when_group = p.add_mutually_exclusive_group()
    when_group.add_argument("--at", help="new publication time (as for create)")
    when_group.add_argument("--unscheduled", action="store_true",
                            help="remove the publication time (it then waits for publish-now)")
    _content_arguments(p)
    p.add_argument("--no-variant", action="append", default=[], metavar="PLATFORM",
                   help="remove one platform's variant (repeatable)")
    p.add_argument("--no-media", action="store_true", help="remove every image and video")
    p.add_argument("--if-match", metavar="ETAG",
                   help="edit only if the post is still at this version (its etag in "
                        "`siaran post show --json`)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_edit)

    p = psub.add_parser("list", help="posts, newest first, by status, pillar, channel, time")
    p.add_argument("--status", choices=[s.value for s in PostStatus])
    p.add_argument("--pillar")
    p.add_argument("--channel", help="posts to this channel")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="scheduled on or after this day (or time)")
    p.add_argument("--to", dest="end", metavar="DATE", help="scheduled before this day")
    p.add_argument("--author")
    p.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_list, logs=False)

    for name, helptext in ACTIONS:
        p = psub.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_post_action, action=name)
        if name == "publish-now":
            post_options.add_override_options(p)
    p = psub.add_parser("reject", help="send a post under review back to its author, "
                                       "with the reason")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True, help="what to change (shown to the author)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_action, action="reject")

    p = psub.add_parser("show", help="a post with its text, media, deliveries, attempts "
                                     "and audit trail")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_show, logs=False)

    p = sub.add_parser("calendar", help="posts in a date range with their delivery states")
    p.add_argument("--from", dest="start", metavar="DATE")
    p.add_argument("--to", dest="end", metavar="DATE", help="exclusive")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_calendar, logs=False)


def _text_arguments(p: argparse.ArgumentParser, *, required: bool) -> None:
    text = p.add_mutually_exclusive_group(required=required)
    text.add_argument("--text")
    text.add_argument("--text-file", metavar="PATH",
                      help="read the text from a UTF-8 file ('-': standard input)")


def _content_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--variant", action="append", default=[], metavar="PLATFORM=TEXT",
                   help="the text one platform shows instead of --text")
    p.add_argument("--variant-title", action="append", default=[], metavar="PLATFORM=TITLE",
                   help="the title one platform shows (WordPress)")
    p.add_argument("--hashtags", action="append", default=[], metavar="PLATFORM=TAGS",
                   help="hashtags appended on one platform, e.g. x='#LayananPublik #Info'")
    p.add_argument("--media", action="append", default=[], metavar="PATH",
                   help="an image or video (repeatable); each needs its --alt")
    p.add_argument("--alt", action="append", default=[], metavar="TEXT",
                   help="alt text of the --media at the same position ('' for none)")


def read_text(args: argparse.Namespace) -> str | None:
    """``--text``, or the contents of ``--text-file`` (``-``: standard input), without the
    line breaks that end a file."""
    if args.text_file is None:
        return args.text
    if args.text_file == "-":
        raw = sys.stdin.buffer.read()
        where = "standard input"
    else:
        try:
            raw = Path(args.text_file).read_bytes()
        except OSError as error:
            raise ValidationError(f"cannot read --text-file {args.text_file}: "
                                  f"{error.strerror}") from None
        where = args.text_file
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise ValidationError(f"the text in {where} is not UTF-8") from None


def _variants(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    variants: dict[str, dict[str, str]] = {}
    for flag, field in (("variant", "text"), ("variant_title", "title"),
                        ("hashtags", "hashtags")):
        for platform, value in pairs(getattr(args, flag), f"--{flag.replace('_', '-')}"
                                      ).items():
            variants.setdefault(platform, {})[field] = value
    return variants


def _options(args: argparse.Namespace) -> dict:
    options: dict = {}
    if getattr(args, "on_approval", False):
        options["on_approval"] = True
    if args.thread:
        options["thread"] = True
    if args.excerpt:
        options["excerpt"] = args.excerpt
    if args.category:
        options["categories"] = args.category
    if args.tag:
        options["tags"] = args.tag
    return options


def cmd_post_create(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import workflow
    from orchestrator.runtime.context import open_context
    from schedules import planning
    from schedules.timeparse import parse_time

    at = parse_time(args.at, settings.timezone) if args.at else None
    media = workflow.media_pairs(args.media, args.alt)
    text = read_text(args)
    ctx = open_context(settings)
    made = planning.create(ctx, title=args.title, text=text, pillar=args.pillar,
                           channels=args.channels, at=at, variants=_variants(args),
                           media=media, options=_options(args),
                           **post_options.create_options(args))
    if args.json:
        emit_json(post_options.created_view(made, settings.timezone))
    else:
        print(made.post_id)


def cmd_post_edit(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import editing, workflow
    from orchestrator.runtime.context import open_context
    from schedules.timeparse import parse_time

    if args.no_media and (args.media or args.alt):
        raise ValidationError("give --media or --no-media, not both")
    variants: dict = _variants(args)
    both = sorted(set(variants) & set(args.no_variant))
    if both:
        raise ValidationError(f"a variant for {', '.join(both)} is both given and removed")
    variants.update(dict.fromkeys(args.no_variant))
    text = read_text(args)
    given = {k: v for k, v in (("title", args.title), ("text", text),
                               ("pillar", args.pillar), ("channels", args.channels))
             if v is not None}
    if args.at or args.unscheduled:
        given["at"] = parse_time(args.at, settings.timezone) if args.at else None
    if variants:
        given["variants"] = variants
    if args.no_media or args.media or args.alt:
        given["media"] = [] if args.no_media else workflow.media_pairs(args.media, args.alt)
    edited = editing.edit_post(open_context(settings), args.id,
                               version=args.if_match.strip('"') if args.if_match else None,
                               **given)
    if args.json:
        emit_json({"id": args.id, "status": edited.status.value,
                   "previous": edited.previous.value, "changed": list(edited.changed),
                   "etag": edited.version})
        return
    if not edited.changed:
        print(f"post {args.id}: unchanged ({edited.status.value.replace('_', ' ')})")
        return
    print(f"post {args.id}: draft")
    if edited.previous in (PostStatus.APPROVED, PostStatus.IN_REVIEW):
        print(f"it was {edited.previous.value.replace('_', ' ')}: submit it again for "
              f"approval (`siaran post submit {args.id}`)")


def cmd_post_list(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import views
    from orchestrator.runtime.context import open_context
    from schedules.timeparse import parse_bound, parse_day

    tz = settings.timezone
    if args.limit < 1:
        raise ValidationError("--limit must be at least 1")
    start = parse_bound(args.start, tz) if args.start else None
    end = parse_day(args.end, tz) if args.end else None
    if start and end and end <= start:
        raise ValidationError("--to must be after --from")
    shown = views.list_posts(open_context(settings), status=_status(args.status),
                             pillar=args.pillar, channel=args.channel, author=args.author,
                             start=start, end=end, limit=args.limit)
    if args.json:
        emit_json(shown)
        return
    table([{**p, "scheduled_at": when(p["scheduled_at"], tz),
            "channels": ", ".join(p["channels"])} for p in shown],
          ["id", "status", "scheduled_at", "pillar", "author", "title", "channels"])


def _status(value: str | None) -> PostStatus | None:
    return PostStatus(value) if value else None


def cmd_post_action(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.editorial import publishing, views, workflow
    from orchestrator.runtime.context import open_context
    from schedules import approval

    ctx = open_context(settings)
    warnings: list = []
    if args.action == "publish-now":
        from orchestrator.pipeline.outbox import relay_now

        publishing.publish_now(ctx, args.id, **post_options.override_options(args))
        relay_now(ctx)
    elif args.action == "reject":
        workflow.reject(ctx, args.id, args.reason)
    elif args.action in ("submit", "approve"):  # a series' occurrence moves its series
        warnings = getattr(approval, args.action)(ctx, args.id) or []
    else:
        warnings = getattr(workflow, args.action)(ctx, args.id) or []
    for warning in warnings:
        print(f"siaran: warning: {warning}", file=sys.stderr)
    view = views.show_post(ctx, args.id)
    if args.json:
        emit_json({"id": args.id, "status": view["status"]})
    else:
        print(f"post {args.id}: {view['status']}")


def cmd_post_show(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.cli.post_show import print_post
    from orchestrator.editorial import views
    from orchestrator.runtime.context import open_context

    view = views.show_post(open_context(settings), args.id)
    if args.json:
        emit_json(view)
    else:
        print_post(view, settings.timezone)


def cmd_calendar(settings: Settings, args: argparse.Namespace) -> None:
    from orchestrator.runtime.context import open_context
    from schedules import calendar
    from schedules.timeparse import parse_day

    tz = settings.timezone
    start = parse_day(args.start, tz) if args.start else None
    end = parse_day(args.end, tz) if args.end else None
    if start and end and end <= start:
        raise ValidationError("--to must be after --from")
    shown = calendar.calendar(open_context(settings), start, end)
    if args.json:
        emit_json(shown)
        return
    rows = [{"id": p["id"], "scheduled_at": p["scheduled_at"],
             "published_at": p["published_at"], "status": p["status"],
             "pillar": p["pillar"], "title": p["title"],
             "deliveries": ", ".join(f"{d['channel']}:{d['status']}" for d in p["deliveries"])}
            for p in shown]
    table(rows, ["id", "scheduled_at", "published_at", "status", "pillar", "title",
                 "deliveries"])
    for p in shown:  # why a delivery did not go out: missed its window, held
        for d in p["deliveries"]:
            if d["status"] in ("missed", "held") and d["error"]:
                print(f"post {p['id']} {d['channel']}: {d['status']}: {d['error']}")
