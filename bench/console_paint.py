"""The console's calendar in Chromium: time to first paint of the month view holding 1,000
posts, against the sign-in page's first paint in the same run, and the page's weight.

Siaran's app runs as ``siaran web`` runs it (uvicorn, one worker, its own process) on a SQLite
file. 1,000 posts are bulk-inserted into one month (2 or 3 channels each; published, failed,
unknown, held and scheduled deliveries; the three default pillars). Chromium
(``/usr/bin/chromium``, driven by Playwright as the browser tests drive it) opens the month
in a fresh profile each run (nothing cached, the session cookie carried over), and reads
``first-paint`` and ``first-contentful-paint`` from ``performance.getEntriesByType('paint')``;
the baseline is the sign-in page (small, no data) opened the same way, alternated with it.
Medians of the runs, and their ratio. The page weight is the HTML + CSS + JS of the month
view as transferred (``transferSize``: headers and, when served compressed, compressed
bodies) and decoded (``decodedBodySize``). Targets: first paint <= 1 s, weight <= 300 kB.

    python bench/console_paint.py [--quick] [--runs 9] [--posts 1000]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime

from playwright.sync_api import sync_playwright
from sqlalchemy import insert

from api import NOWHERE, free_port, month_plan, serve, uvicorn
from benchlib.common import finish, machine, median, parser, say, workdir
from benchlib.processes import Child
from benchlib.services import bench_accounts, database, redis_url
from benchlib.system import Siaran
from orchestrator.access import accounts, passwords
from orchestrator.domain.actor import Actor
from orchestrator.store.schema import deliveries, post_channels, posts

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-kata-sandi-2026"
#: The month measured, in the office's zone (Asia/Jakarta by default).
MONTH = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 31, 17, tzinfo=UTC))
PILLARS = ("informatif", "informatif", "interaktif", "edukasi-hiburan")
ERRORS = {"failed": "403 Forbidden: Status is a duplicate. (code 187)",
          "unknown": "timed out after 30 s waiting for the platform's answer",
          "held": "channel paused by the operator"}
PAINT = """() => new Promise(resolve => {
  const got = {};
  const done = () => resolve(got);
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { got[e.name] = e.startTime; }
    if ('first-paint' in got && 'first-contentful-paint' in got) { done(); }
  }).observe({type: 'paint', buffered: true});
  setTimeout(done, 10000);
})"""
WEIGHT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const rows = [{type: 'html', url: nav.name, transfer: nav.transferSize,
                 decoded: nav.decodedBodySize, server: nav.responseEnd - nav.requestStart}];
  for (const r of performance.getEntriesByType('resource')) {
    if (r.initiatorType === 'link' || r.initiatorType === 'script') {
      rows.push({type: r.initiatorType, url: r.name, transfer: r.transferSize,
                 decoded: r.decodedBodySize});
    }
  }
  return rows;
}"""


def bulk_month(system: Siaran, count: int) -> None:
    """``count`` posts spread over the month, 2 or 3 channels each, in every state."""
    engine, channel_ids, ids, now, step = month_plan(system, count, MONTH)
    first = ids.start

    def state(i: int, j: int) -> str:
        if i % 97 == 0 and j == 0:
            return "failed"
        if i % 89 == 0 and j == 1:
            return "unknown"
        if i % 31 == 0 and j == 0:
            return "held"
        return "published" if i % 2 else "pending"

    targets = {i: [channel_ids[(i + j) % len(channel_ids)] for j in range(2 + i % 2)]
               for i in ids}
    with engine.begin() as conn:
        conn.execute(insert(posts), [{
            "id": i, "title": f"Agenda layanan publik nomor {i}", "body": f"Agenda {i}.",
            "pillar": PILLARS[i % len(PILLARS)], "variants": "{}", "options": "{}",
            "status": "published" if i % 2 else "approved",
            "scheduled_at": MONTH[0] + step * (i - first), "author": "bench-editor",
            "approver": "bench-admin", "approved_hash": "0" * 64, "created_at": now,
            "updated_at": now} for i in ids])
        conn.execute(insert(post_channels), [{"post_id": i, "channel_id": c}
                                             for i in ids for c in targets[i]])
        conn.execute(insert(deliveries), [{
            "post_id": i, "channel_id": c, "status": state(i, j), "attempts": 1,
            "error": ERRORS.get(state(i, j)), "updated_at": now}
            for i in ids for j, c in enumerate(targets[i])])


def open_page(browser, url: str, storage: dict | None) -> dict:
    """``url`` in a fresh profile: its paint entries and what it loaded."""
    context = browser.new_context(storage_state=storage, locale="en",
                                  timezone_id="Asia/Jakarta",
                                  viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        paint = page.evaluate(PAINT)
        return {"paint": paint, "weight": page.evaluate(WEIGHT), "url": page.url}
    finally:
        context.close()


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], postgres=False)
    p.add_argument("--runs", type=int, help="runs of each page (default 9, quick 3)")
    p.add_argument("--posts", type=int, default=1000, help="posts in the month (1000)")
    args = p.parse_args()
    runs = args.runs or (3 if args.quick else 9)
    root = workdir("console-paint")
    started = time.monotonic()
    say(f"console_paint: the calendar's month view with {args.posts:,} posts vs the sign-in "
        f"page, {runs} runs each in Chromium, fresh profiles; machine {machine()}")
    results: dict[str, object] = {"posts": args.posts, "runs": runs, "machine": machine()}
    with database(args.database, root) as url:
        system = Siaran(root / "siaran", url, redis_url())
        server: Child | None = None
        try:
            system.add_channels(NOWHERE, bench_accounts(x=3, facebook=2))
            admin = system.ctx.acting_as(Actor("bench-admin"))
            accounts.add_user(admin, "bench-admin", ["admin"])
            passwords.set_password(admin, "bench-admin", PASSWORD)
            seeded = time.perf_counter()
            bulk_month(system, args.posts)
            say(f"  seeded {args.posts:,} posts in {time.perf_counter() - seeded:.1f} s")
            port = free_port()
            server = serve(uvicorn(["--factory", "orchestrator.web.app:from_environment"], port),
                           system.env, root / "siaran-web.log", port)
            base = f"http://127.0.0.1:{port}"
            month = f"{base}/calendar?view=month&date=2027-01-15&lang=en"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox", "--disable-gpu"])
                storage = sign_in(browser, base)
                open_page(browser, month, storage)  # warm up: templates, catalogues
                open_page(browser, f"{base}/signin?lang=en", None)
                ours, baseline, loaded = [], [], None
                for _ in range(runs):
                    loaded = open_page(browser, month, storage)
                    if "/calendar" not in loaded["url"]:
                        raise SystemExit(f"the calendar did not open: {loaded['url']}")
                    ours.append(loaded["paint"])
                    baseline.append(open_page(browser, f"{base}/signin?lang=en", None)["paint"])
                browser.close()
            report(results, ours, baseline, loaded["weight"])
        finally:
            if server is not None:
                server.stop()
            system.close()
    finish("console_paint", results, root, args.keep, started)


def sign_in(browser, base: str) -> dict:
    context = browser.new_context(locale="en")
    page = context.new_page()
    page.goto(f"{base}/signin?lang=en")
    page.get_by_label("Username").fill("bench-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/signin" not in u)
    storage = context.storage_state()
    context.close()
    return storage


def report(results: dict, ours: list[dict], baseline: list[dict], weight: list[dict]) -> None:
    for name in ("first-paint", "first-contentful-paint"):
        got, base = median(r[name] for r in ours), median(r[name] for r in baseline)
        key = name.replace("-", "_")
        results[f"month_{key}_ms"] = round(got, 1)
        results[f"signin_{key}_ms"] = round(base, 1)
        results[f"month_{key}_runs_ms"] = [round(r[name]) for r in ours]
        results[f"{key}_ratio"] = round(got / base, 2)
        say(f"  {name:24s} month {got:7.1f} ms   sign-in {base:7.1f} ms   "
            f"ratio {got / base:5.2f}")
    for row in weight:
        say(f"  {row['type']:6s} {row['transfer'] / 1000:7.1f} kB transferred "
            f"{row['decoded'] / 1000:7.1f} kB decoded  {row['url'].split('/', 3)[-1][:60]}")
    transferred = sum(r["transfer"] for r in weight)
    decoded = sum(r["decoded"] for r in weight)
    results.update(weight_transferred_kb=round(transferred / 1000, 1),
                   weight_decoded_kb=round(decoded / 1000, 1),
                   html_decoded_kb=round(weight[0]["decoded"] / 1000, 1),
                   html_server_ms=round(weight[0]["server"], 1))
    say(f"  page weight: {transferred / 1000:.1f} kB transferred, {decoded / 1000:.1f} kB "
        f"decoded (target <= 300 kB); HTML served in {weight[0]['server']:.0f} ms")
    say(f"  first paint {results['month_first_paint_ms']} ms (target <= 1000)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
