"""``siaran demo``: the whole system on embedded defaults against the sandbox.

It starts the sandbox, a fresh demo data directory (SQLite), the embedded Redis, workers and
the scheduler; adds five channels (X, Facebook Page, Instagram, Telegram, WordPress) that
point at the sandbox; writes, approves and schedules a small calendar, one post with an image
and its alt text; shows each post going out; and ends with what each sandbox account holds —
every post exactly once.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import threading
import time
from dataclasses import replace
from datetime import timedelta

from orchestrator.channels import admin as channel_admin
from orchestrator.cli.output import count, table
from orchestrator.cli.processes import redis_for, run_scheduler, worker_command
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.states import PostStatus
from orchestrator.editorial import publishing, views, workflow
from orchestrator.media.server import MediaServer
from orchestrator.runtime import config
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import Context, open_context
from orchestrator.runtime.logging import configure
from orchestrator.store.db import Database
from schedules import calendar

FINISHED = {PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED, PostStatus.FAILED,
            PostStatus.CANCELLED}

SAMPLE_CALENDAR = [
    # (seconds from now or None for publish-now, pillar, title, text)
    (None, "informatif", "Jadwal layanan publik akhir pekan",
     "Layanan publik Kementerian tetap buka Sabtu pukul 08.00–12.00 WIB. "
     "Public services stay open on Saturday 08:00–12:00 WIB. #LayananPublik"),
    (4, "informatif", "Siaran pers: program beasiswa 2027",
     "Pendaftaran beasiswa 2027 dibuka 1 Desember. Registration for the 2027 scholarships "
     "opens on 1 December. Info: setneg.go.id #Beasiswa2027"),
    (8, "interaktif", "Kuis kebangsaan",
     "Kuis: tahun berapa Sumpah Pemuda diikrarkan? Quiz: in which year was the Youth "
     "Pledge made? Jawab di kolom komentar! #KuisKebangsaan"),
    (12, "edukasi-hiburan", "Tahukah Anda? Sejarah Istana",
     "Tahukah Anda? Istana Merdeka selesai dibangun pada 1879. Did you know? Merdeka "
     "Palace was completed in 1879. #TahukahAnda"),
]


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from connectors.sandbox import Sandbox

    demo_dir = settings.data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    settings = replace(settings, data_dir=demo_dir, user=settings.user,
                       database_url=f"sqlite:///{demo_dir / 'siaran.db'}",
                       redis_namespace=f"{settings.redis_namespace}-demo")
    configure("json", stream=open(demo_dir.parent / "demo.log", "w"))  # noqa: SIM115
    sandbox = Sandbox().start()
    media = MediaServer(demo_dir).start()
    settings = replace(settings, media_base_url=media.url)
    print(f"sandbox: {sandbox.url}/_sandbox/  (what each account received)")
    Database(settings.database_url).migrate()
    with redis_for(settings) as ready:
        env = config.child_environment(ready, SIARAN_LOG_FORMAT="json")
        ctx = open_context(ready)
        post_ids = _write_calendar(ctx, sandbox.url)
        log = open(demo_dir / "worker.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(worker_command(ready, 1, 8, None), env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        stop = threading.Event()
        scheduler = threading.Thread(target=run_scheduler, args=(ready, stop), daemon=True)
        scheduler.start()
        try:
            done = _watch(ctx, post_ids, args.timeout)
            _summary(ctx, sandbox)
            if args.keep_running:
                print("running; Ctrl-C stops")
                stop.wait()
        except KeyboardInterrupt:
            done = False
        finally:
            stop.set()
            worker.terminate()
            worker.wait(timeout=30)
            scheduler.join(timeout=10)
            sandbox.stop()
            media.stop()
    print(f"logs: {demo_dir.parent / 'demo.log'}, {demo_dir / 'worker.log'}")
    return 0 if done else 1


CHANNELS = {"x": "x-setneg", "facebook": "fb-setneg", "instagram": "ig-setneg",
            "telegram": "tg-setneg", "wordpress": "web-setneg"}
TEXT_ONLY = ["x-setneg", "fb-setneg", "tg-setneg", "web-setneg"]


def _write_calendar(ctx: Context, sandbox_url: str) -> list[int]:
    from connectors.sandbox.accounts import DEFAULT_ACCOUNTS, channel_credentials

    for platform, name in CHANNELS.items():
        account = DEFAULT_ACCOUNTS[platform][0]
        channel_admin.add_channel(ctx, name=name, platform=platform, api_base=sandbox_url,
                                  credentials=channel_credentials(platform, account,
                                                                  sandbox_url))
    print("channels: " + ", ".join(f"{n} ({p})" for p, n in CHANNELS.items())
          + " — all on the sandbox")
    flag = write_flag(ctx.settings.data_dir / "bendera.jpg")
    ids = []
    for offset, pillar, title, text in SAMPLE_CALENDAR:
        at = None if offset is None else ctx.now() + timedelta(seconds=offset + 2)
        with_image = offset == SAMPLE_CALENDAR[-1][0]
        post_id = workflow.create_post(
            ctx, title=title, text=text, pillar=pillar, at=at,
            channels=list(CHANNELS.values()) if with_image else TEXT_ONLY,
            media=[(str(flag), "Bendera Merah Putih berkibar")] if with_image else None)
        workflow.submit(ctx, post_id)
        workflow.approve(ctx, post_id)
        if at is None:
            publishing.publish_now(ctx, post_id)
        ids.append(post_id)
        when = "now" if at is None else f"in {offset + 2} s"
        print(f"post {post_id} [{pillar}] approved, publishing {when}: {title}")
    return ids


def _watch(ctx: Context, post_ids: list[int], timeout: float) -> bool:
    """Print each post's status as it changes, until all are finished."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for post_id in post_ids:
            view = views.show_post(ctx, post_id)
            state = view["status"] + " " + ", ".join(
                f"{d['channel']}={d['status']}" for d in view["deliveries"])
            if seen.get(post_id) != state:
                seen[post_id] = state
                print(f"  post {post_id}: {state}")
        if all(seen[p].split()[0] in FINISHED for p in post_ids):
            return True
        time.sleep(0.25)
    print(f"not every post finished within {timeout:.0f} s")
    return False


def _summary(ctx: Context, sandbox) -> None:
    print("\nWhat the sandbox accounts hold:")
    rows = [{"platform": p.platform, "account": p.account, "id": p.id, "text": p.text}
            for p in sandbox.posts()]
    table(rows, ["platform", "account", "id", "text"])
    texts = [(r["platform"], r["account"], r["text"]) for r in rows]
    duplicates = len(texts) - len(set(texts))
    print(f"\n{count(len(rows), 'post')} on the sandbox, {count(duplicates, 'duplicate')}.")
    published = [d for p in calendar.calendar(ctx, None, None) for d in p["deliveries"]
                 if d["permalink"]]
    for d in published[:4]:
        print(f"  {d['channel']}: {d['permalink']}")

