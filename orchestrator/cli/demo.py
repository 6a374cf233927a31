"""``siaran demo``: the whole system on embedded defaults against the sandbox.

It starts the sandbox, a fresh demo data directory (SQLite), the embedded Redis, workers,
the scheduler and the alert watcher; adds a channel on every platform of the registry (X,
Facebook Page, Instagram, Telegram, WordPress), each pointing at the sandbox's demo account; writes,
approves and schedules a small calendar, one post with an image and its alt text; shows
each post going out; and ends with what each sandbox account holds — every post exactly once
— and the engagement read back from the sandbox, by pillar. The engagement loop runs beside
the scheduler, as in ``siaran up``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import threading
import time
from dataclasses import replace
from datetime import timedelta

from connectors import registry
from connectors.base import RenderedPost
from ops.engagement import loop as engagement_loop
from ops.engagement import pull as engagement_pull
from ops.engagement.report import engagement_report
from orchestrator.access import accounts, passwords, tokens
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.output import count, table
from orchestrator.cli.processes import (
    redis_for,
    run_scheduler,
    run_watch,
    web_command,
    web_url,
    worker_command,
)
from orchestrator.cli.sample_image import write_flag
from orchestrator.domain.states import PostStatus
from orchestrator.editorial import publishing, views, workflow
from orchestrator.media.server import MediaServer
from orchestrator.runtime import config, metrics
from orchestrator.runtime.config import Settings
from orchestrator.runtime.context import Context, open_context
from orchestrator.runtime.installation import initialise
from orchestrator.runtime.logging import configure
from orchestrator.store.private import open_private, private_dir
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

    demo_dir = private_dir(settings.data_dir) / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    # Its own installation: own key, own private store, whatever the environment says.
    settings = replace(settings, data_dir=demo_dir, user=settings.user,
                       database_url=f"sqlite:///{demo_dir / 'siaran.db'}",
                       redis_namespace=f"{settings.redis_namespace}-demo",
                       secret_key=None, media_dir=None)
    initialise(settings)
    log_fd = open_private(demo_dir.parent / "demo.log", os.O_WRONLY | os.O_TRUNC)
    configure("json", stream=os.fdopen(log_fd, "w"))
    sandbox = Sandbox().start()
    media = MediaServer(demo_dir).start()
    settings = replace(settings, media_base_url=media.url)
    print(f"sandbox: {sandbox.url}/_sandbox/  (what each account received)")
    metrics.prepare(settings)
    metrics.start(settings)  # the scheduler runs here, in a thread
    with redis_for(settings) as ready:
        env = config.child_environment(ready, SIARAN_LOG_FORMAT="json")
        ctx = open_context(ready)
        post_ids = _write_calendar(ctx, sandbox.url)
        log = os.fdopen(open_private(demo_dir / "worker.log", os.O_WRONLY | os.O_TRUNC), "w")
        worker = subprocess.Popen(worker_command(ready, 1, 8, None), env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        web = subprocess.Popen(web_command(ready, "127.0.0.1", args.port), env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        _api_access(ctx, web_url("127.0.0.1", args.port))
        stop = threading.Event()
        scheduler = threading.Thread(target=run_scheduler, args=(ready, stop), daemon=True)
        scheduler.start()
        reader = threading.Thread(target=engagement_loop.run, args=(open_context(ready), stop),
                                  daemon=True)
        reader.start()
        watcher = threading.Thread(target=run_watch, args=(ready, stop), daemon=True)
        watcher.start()
        try:
            done = _watch(ctx, post_ids, args.timeout)
            _summary(ctx, sandbox)
            _engagement(ctx)
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
            reader.join(timeout=10)
            watcher.join(timeout=15)
            web.terminate()
            web.wait(timeout=30)
            sandbox.stop()
            media.stop()
    print(f"logs: {demo_dir.parent / 'demo.log'}, {demo_dir / 'worker.log'}")
    return 0 if done else 1


def _add_channels(ctx: Context, sandbox_url: str) -> tuple[dict[str, str], list[str]]:
    """A channel on the sandbox's demo account of every platform of the registry: the
    channel names by platform, and the names of those that publish text alone."""
    from connectors.sandbox.accounts import channel_credentials
    from connectors.sandbox.catalog import platform_api

    channels, text_only = {}, []
    sample = RenderedPost(post_id=0, delivery_id=0, title="Demo", text="Demo")
    for platform in registry.names():
        api = platform_api(platform)
        name = api.demo_channel or f"{platform}-setneg"
        credentials = channel_credentials(platform, api.demo_account, sandbox_url)
        channel_admin.add_channel(ctx, name=name, platform=platform, api_base=sandbox_url,
                                  credentials=credentials)
        channels[platform] = name
        problems = registry.build_connector(platform, credentials).validate(sample)
        if not any(p.blocking for p in problems):
            text_only.append(name)
    return channels, text_only


def _write_calendar(ctx: Context, sandbox_url: str) -> list[int]:
    channels, text_only = _add_channels(ctx, sandbox_url)
    print("channels: " + ", ".join(f"{n} ({p})" for p, n in channels.items())
          + " — all on the sandbox")
    flag = write_flag(ctx.settings.data_dir / "bendera.jpg")
    ids = []
    for offset, pillar, title, text in SAMPLE_CALENDAR:
        at = None if offset is None else ctx.now() + timedelta(seconds=offset + 2)
        with_image = offset == SAMPLE_CALENDAR[-1][0]
        post_id = workflow.create_post(
            ctx, title=title, text=text, pillar=pillar, at=at,
            channels=list(channels.values()) if with_image else text_only,
            media=[(str(flag), "Bendera Merah Putih berkibar")] if with_image else None)
        workflow.submit(ctx, post_id)
        workflow.approve(ctx, post_id)
        if at is None:
            publishing.publish_now(ctx, post_id)
        ids.append(post_id)
        when = "now" if at is None else f"in {offset + 2} s"
        print(f"post {post_id} [{pillar}] approved, publishing {when}: {title}")
    return ids


def _api_access(ctx: Context, url: str) -> None:
    """The demo's user becomes an admin with every role, with a password for the console
    and a token for the API."""
    accounts.add_user(ctx, ctx.user, ["admin", "author", "approver", "operator"])
    password = secrets.token_urlsafe(12)
    passwords.set_password(ctx, ctx.user, password)
    token = tokens.create_token(ctx, ctx.user, label="demo", expires_days=1)["token"]
    print(f"console: {url}/  (user {ctx.user}, password {password}; ?lang=en for English)")
    print(f"HTTP API: {url}/api/v1  docs: {url}/api/docs")
    print(f"  demo token (user {ctx.user}, every role, valid one day): {token}")
    print(f"  curl -H 'Authorization: Bearer {token}' {url}/api/v1/calendar")


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



def _engagement(ctx: Context) -> None:
    """Read the posts' engagement now and show it by pillar (``siaran report engagement``)."""
    pulled = engagement_pull.pull_now(ctx)
    found = engagement_report(ctx)
    print(f"\nEngagement read back from the sandbox ({pulled.read} posts; "
          "`siaran report engagement`):")
    table([{"pillar": g["pillar"], "posts": g["posts"],
            "views": g["totals"]["views"], "interactions": g["totals"]["interactions"]}
           for g in found["groups"] if g["posts"]],
          ["pillar", "posts", "views", "interactions"])
