"""Posting slots at scale: ``post create --queue`` and ``channel slots --next 10`` with 20
channels and 10,000 scheduled posts.

20 channels in Indonesia's three zones (WIB, WITA, WIT) have slots at the same moments
(09:00, 12:00, 15:00, 19:00 WIB on weekdays, 10:00 and 18:00 WIB at weekends, written in
each channel's own zone). 10,000 scheduled posts are bulk-inserted: 6,000 on slots, each
channel's slots taken for its first seven to twelve weeks, and 4,000 at other moments over
the year, as ad-hoc posts are. Measured through the service functions the commands call
(:func:`schedules.planning.create` with ``queue``, which writes the post in the slot it
finds; :func:`schedules.slots.next_free`), median of ``--reps`` runs each, after a warm-up;
then once each through the real command line, process start included, for reference.

    python bench/slots_scale.py [--quick] [--no-postgres] [--posts 10000] [--reps 25]
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import datetime, timedelta

from sqlalchemy import insert, select, text

from benchlib.common import finish, machine, median, parser, python, say, workdir
from benchlib.services import database, databases, redis_url
from benchlib.system import Siaran
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.slots import checked_zone, instants, parse_rule
from orchestrator.store.schema import channels, post_channels, posts
from schedules import planning, slots

CHANNELS = 20
ZONES = {"Asia/Jakarta": 0, "Asia/Makassar": 1, "Asia/Jayapura": 2}  # hours after WIB
WIB_WEEKDAYS, WIB_WEEKENDS = (9, 12, 15, 19), (10, 18)
NOWHERE = "http://127.0.0.1:9"


def rules_for(shift: int) -> list[str]:
    weekdays = ",".join(f"{h + shift:02d}:00" for h in WIB_WEEKDAYS)
    weekends = ",".join(f"{h + shift:02d}:00" for h in WIB_WEEKENDS)
    return [f"mon-fri {weekdays}", f"sat,sun {weekends}"]


def setup(system: Siaran, total: int, rng: random.Random) -> list[str]:
    """The channels with their slots and zones, and ``total`` scheduled posts."""
    names = []
    for i in range(CHANNELS):
        zone = list(ZONES)[i % 3]
        name = f"kanal-{i:02d}"
        channel_admin.add_channel(system.ctx, name=name, platform="telegram",
                                  api_base=NOWHERE, rate_limits=(),
                                  credentials={"bot_token": f"{i}:bench",
                                               "chat_id": f"@kanal{i}"})
        channel_admin.update_channel(system.ctx, name, timezone=zone)
        slots.set_slots(system.ctx, name, rules_for(ZONES[zone]))
        names.append(name)
    engine = system.ctx.db.engine
    with engine.connect() as conn:
        ids = {r.name: r.id for r in conn.execute(select(channels.c.id, channels.c.name))}
    now = system.ctx.now()
    wib = checked_zone("Asia/Jakarta")
    moments = instants(tuple(parse_rule(r) for r in rules_for(0)), wib, now,
                       now + timedelta(days=120))
    on_slots = total * 6 // 10
    rows: list[tuple[str, datetime]] = []
    per_channel = on_slots // CHANNELS
    for i, name in enumerate(names):
        weeks = 7 + i % 6
        taken = moments[:weeks * 24]
        rows += [(name, at) for at in taken[:per_channel]]
    while len(rows) < total:
        at = now + timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
        if at.minute == 0:
            continue
        rows.append((rng.choice(names), at))
    with engine.begin() as conn:
        first = conn.execute(text("SELECT coalesce(max(id), 0) FROM posts")).scalar_one() + 1
        conn.execute(insert(posts), [{
            "id": first + k, "title": f"Kalender {k}", "pillar": "informatif",
            "body": f"Agenda {k}", "variants": "{}", "options": "{}", "status": "approved",
            "scheduled_at": at, "author": "bench-editor", "approver": "bench-approver",
            "approved_hash": "0" * 64, "created_at": now, "updated_at": now}
            for k, (_, at) in enumerate(rows)])
        conn.execute(insert(post_channels), [{"post_id": first + k, "channel_id": ids[name]}
                                             for k, (name, _) in enumerate(rows)])
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('posts', 'id'), "
                              "(SELECT max(id) FROM posts))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return names


def timed(call, reps: int) -> tuple[float, list[float]]:
    call()  # warm-up
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        call()
        samples.append(1000 * (time.perf_counter() - t0))
    return median(samples), samples


def measure(kind: str, root, redis: str, total: int, reps: int) -> dict:
    """Set up one database and time both calls, through the services and the commands."""
    with ExitStack() as stack:
        url = stack.enter_context(database(kind, root))
        system = Siaran(root / kind, url, redis)
        stack.callback(system.close)
        names = setup(system, total, random.Random(11))
        targets = [names[0], names[7], names[14]]  # one channel in each zone

        def queue() -> None:
            planning.create(system.ctx, title="Antre", text="Isi", pillar="informatif",
                            channels=targets, queue=True)

        def upcoming() -> None:
            assert len(slots.next_free(system.ctx, names[11], 10)) == 10

        queue_ms, queue_all = timed(queue, reps)
        next_ms, next_all = timed(upcoming, reps)
        env = {**os.environ, **system.env}
        cli = [python(), "-m", "orchestrator.cli.main"]
        t0 = time.perf_counter()
        subprocess.run([*cli, "post", "create", "--title", "Antre", "--text", "Isi",
                        "--pillar", "informatif", *[f"--channel={n}" for n in targets],
                        "--queue"], env=env, check=True, capture_output=True)
        cli_queue = 1000 * (time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([*cli, "channel", "slots", names[11], "--next", "10"], env=env,
                       check=True, capture_output=True)
        cli_next = 1000 * (time.perf_counter() - t0)
    return {"queue_ms": round(queue_ms, 3), "next_ms": round(next_ms, 3),
            "queue_runs_ms": [round(v, 2) for v in queue_all],
            "next_runs_ms": [round(v, 2) for v in next_all],
            "cli_queue_ms": round(cli_queue, 1), "cli_next_ms": round(cli_next, 1)}


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0])
    p.add_argument("--posts", type=int, help="scheduled posts (default 10000, quick 2000)")
    p.add_argument("--reps", type=int, help="runs measured (default 25, quick 7)")
    args = p.parse_args()
    total = args.posts or (2_000 if args.quick else 10_000)
    reps = args.reps or (7 if args.quick else 25)
    root = workdir("slots")
    redis = redis_url()
    kinds = databases(args.no_postgres)
    say(f"slots_scale: {CHANNELS} channels, {total:,} scheduled posts, {reps} runs; "
        f"{', '.join(kinds)}; machine {machine()}")
    out: dict[str, object] = {"channels": CHANNELS, "posts": total, "reps": reps,
                              "machine": machine()}
    started = time.monotonic()
    for kind in kinds:
        row = measure(kind, root, redis, total, reps)
        say(f"  {kind:10s} --queue (3 channels, 3 zones) median {row['queue_ms']:6.2f} ms; "
            f"slots --next 10 median {row['next_ms']:6.2f} ms (target <= 50 ms each); "
            f"through the command line {row['cli_queue_ms']:.0f} ms and "
            f"{row['cli_next_ms']:.0f} ms")
        out.update({f"{kind}_{k}": v for k, v in row.items()})
    finish("slots_scale", out, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
