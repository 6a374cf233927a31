"""``siaran post show`` in text: everything its ``--json`` holds, in the office's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.cli.output import table, when
from orchestrator.domain.times import shown

DELIVERY_COLUMNS = ["id", "channel", "platform", "status", "attempts", "last_attempt_at",
                    "next_attempt_at", "published_at", "error_kind", "permalink"]


def print_post(view: dict, tz: ZoneInfo) -> None:
    print(f"post {view['id']}: {view['title']}  [{view['status']}]")
    scheduled = (f"scheduled {when(view['scheduled_at'], tz)}" if view["scheduled_at"]
                 else "not scheduled")
    published = (f", published {when(view['published_at'], tz)}"
                 if view.get("published_at") else "")
    print(f"pillar {view['pillar']}, {scheduled}{published}, author {view['author']}, "
          f"approver {view['approver'] or '-'}")
    print(f"channels: {', '.join(view['channels'])}")
    if view.get("rejection"):
        rejection = view["rejection"]
        print(f"rejected by {rejection['by']} at {when(rejection['at'], tz)}: "
              f"{rejection['reason']}")
    _content(view)
    print("\ndeliveries:")
    table([_times(d, tz) for d in view["deliveries"]], DELIVERY_COLUMNS, below="error")
    for d in view["deliveries"]:
        if d.get("attempt_log"):
            print(f"\nattempts of delivery {d['id']} ({d['channel']}):")
            for a in d["attempt_log"]:
                print("  " + attempt_line(a, tz))
                if a["excerpt"]:
                    print(f"      {' '.join(a['excerpt'].split())}")
    events = sorted([*view["audit"], *(e for d in view["deliveries"]
                                        for e in d.get("audit", []))],
                    key=lambda e: (e["at"], e.get("id", 0)))
    print("\naudit:")
    for event in events:
        print("  " + event_line(event, tz, own_post=view["id"]))
    if not events:
        print("  (none)")


def _content(view: dict) -> None:
    print("\ntext:")
    for line in view["text"].splitlines() or [""]:
        print(f"  {line}")
    for platform, variant in sorted(view["variants"].items()):
        fields = "; ".join(f"{k}: {v}" for k, v in sorted(variant.items()))
        print(f"variant {platform}: {fields}")
    if view["options"]:
        print("options: " + ", ".join(f"{k}={v}" for k, v in sorted(view["options"].items())))
    for number, m in enumerate(view["media"], 1):
        alt = f"alt {m['alt_text']!r}" if m["alt_text"] else "no alt text"
        print(f"media {number}: {m['mime']}, {m['size']:,} bytes, {alt}, "
              f"sha256 {m['digest'][:12]}…")


def _times(row: dict, tz: ZoneInfo) -> dict:
    return {**row, **{k: when(row.get(k), tz) for k in
                      ("last_attempt_at", "next_attempt_at", "published_at", "updated_at")}}


def attempt_line(a: dict, tz: ZoneInfo) -> str:
    """One attempt: when, outcome, HTTP status, error kind, duration, worker."""
    parts = [when(a["started_at"], tz), a["outcome"]]
    if a["http_status"]:
        parts.append(f"HTTP {a['http_status']}")
    if a["error_kind"]:
        parts.append(a["error_kind"])
    parts += [f"{a['duration_ms']:g} ms", f"by {a['worker']}"]
    return "  ".join(parts)


def event_line(e: dict, tz: ZoneInfo, *, own_post: int | None = None) -> str:
    """One audit event: when, who, what, on which entity (not the post being shown), with
    its details."""
    entity = e.get("entity", "post")
    own = entity == "post" and e.get("entity_id", own_post) == own_post
    about = "" if own else f" {entity} {e['entity_id']}"
    detail = ", ".join(f"{k}={_value(v, tz)}" for k, v in sorted(e["detail"].items())
                       if v not in (None, "", [], {}))
    return f"{when(e['at'], tz)}  {e['actor']}  {e['action']}{about}" + (
        f"  ({detail})" if detail else "")


def _value(value: object, tz: ZoneInfo) -> object:
    """A detail's value; a stored UTC time is shown in the office zone."""
    if isinstance(value, list):
        return "[" + ", ".join(str(_value(v, tz)) for v in value) + "]"
    if isinstance(value, str) and len(value) >= 25 and value[4:5] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return shown(moment, tz)
    return value
