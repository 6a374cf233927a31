"""Engagement read-back at scale: one round of the schedule for 10,000 published X
deliveries, batched (``GET /2/tweets?ids=`` with 100 ids), against a baseline measured in
the same run: one request per post (``GET /2/tweets/:id``, as a naive reader would).

The deliveries are seeded directly in the store (SQLite) and their posts in the sandbox
(in this process, with X's documented 15-minute read limits per user: 5,000 for
``GET /2/tweets``, 900 for ``GET /2/tweets/:id``). The batched round goes through
:func:`ops.engagement.pull.pull_due`, the function ``siaran engagement run`` calls. The
baseline uses the same tweepy client and stops at the sandbox's first 429.

    python bench/engagement_pull.py [--posts 10000]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from connectors.sandbox import Sandbox  # noqa: E402
from connectors.sandbox.accounts import channel_credentials  # noqa: E402
from connectors.sandbox.catalog import platform_api  # noqa: E402
from ops.engagement import pull  # noqa: E402
from orchestrator.channels import admin  # noqa: E402
from orchestrator.runtime import config  # noqa: E402
from orchestrator.runtime.context import open_context  # noqa: E402
from orchestrator.runtime.installation import initialise  # noqa: E402
from orchestrator.store.schema import deliveries, posts  # noqa: E402

BATCH_LIMIT, SINGLE_LIMIT = 5000, 900


def lookups(sandbox: Sandbox, path_prefix: str) -> list:
    return [r for r in sandbox.requests("x") if r.method == "GET"
            and (r.path == "/2/tweets" if path_prefix == "batch" else
                 r.path.startswith("/2/tweets/"))]


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--posts", type=int, default=10_000)
    n = args.parse_args().posts
    root = Path(tempfile.mkdtemp(prefix="siaran-bench-engagement-"))
    api = platform_api("x")
    account = dict(api.demo_account)
    with Sandbox({"x": [account]}) as sandbox:
        settings = config.load({"SIARAN_DATA_DIR": str(root), "SIARAN_USER": "bench",
                                "SIARAN_LOG_FORMAT": "json"})
        initialise(settings)
        ctx = open_context(settings)
        admin.add_channel(ctx, name="x-main", platform="x", api_base=sandbox.url,
                          rate_limits=(), credentials=channel_credentials(
                              "x", account, sandbox.url))
        published = ctx.now() - timedelta(hours=2)
        ids = [sandbox.state.store_post("x", account["user_id"], f"post {i}",
                                        make_id=lambda k: str(10**18 + k)).id
               for i in range(n)]
        with ctx.db.write() as conn:
            conn.execute(insert(posts), [
                {"id": i + 1, "title": f"T{i}", "pillar": "informatif", "body": "b",
                 "variants": "{}", "options": "{}", "status": "published",
                 "author": "bench", "created_at": published, "updated_at": published}
                for i in range(n)])
            conn.execute(insert(deliveries), [
                {"id": i + 1, "post_id": i + 1, "channel_id": 1, "status": "published",
                 "external_id": ids[i], "attempts": 1, "updated_at": published}
                for i in range(n)])
        print(f"seeded {n:,} published X deliveries (store) and their posts (sandbox)")

        # Baseline: one request per post, until the platform says no.
        from connectors.registry import build_connector

        single = build_connector("x", channel_credentials("x", account, sandbox.url),
                                 api_base=sandbox.url)
        t0, done, refused = time.perf_counter(), 0, False
        for tweet_id in ids:
            try:
                single._call(single.client.get_tweet, tweet_id, tweet_fields=["public_metrics"])
            except Exception:  # noqa: BLE001 - the 429 ends the baseline
                refused = True
                break
            done += 1
        base_s = time.perf_counter() - t0
        base_req = len(lookups(sandbox, "single"))
        windows = math.ceil(n / SINGLE_LIMIT)
        print(f"baseline (GET /2/tweets/:id): {base_req:,} requests, {done:,} posts read in "
              f"{base_s:.2f} s, then {'429' if refused else 'done'}; {n:,} posts need "
              f"{n:,} requests = {windows} windows of 15 min (≥ {(windows - 1) * 15} min)")

        # Batched: one round of the schedule (a fresh 15-minute window).
        sandbox.state.advance(16 * 60)
        later = replace(ctx, clock=lambda: ctx.now() + timedelta(minutes=1))
        t0 = time.perf_counter()
        result = pull.pull_due(later)
        batch_s = time.perf_counter() - t0
        batch = lookups(sandbox, "batch")
        throttled = [r for r in batch if r.status == 429]
        print(f"batched (GET /2/tweets?ids=, 100 per request): {len(batch):,} requests "
              f"(limit {BATCH_LIMIT:,} per 15 min; bound ⌈{n:,}/100⌉ = {math.ceil(n / 100)}), "
              f"{result.read:,} posts read, {len(throttled)} refused, {batch_s:.2f} s "
              f"(store writes included)")
        per_post_base = base_s / max(done, 1)
        per_post_batch = batch_s / max(result.read, 1)
        print(f"ratio: {n / max(len(batch), 1):.0f}× fewer requests; "
              f"{per_post_base / per_post_batch:.1f}× less time per post")
        print(json.dumps({"posts": n, "batched_requests": len(batch),
                          "batched_seconds": round(batch_s, 3), "batched_read": result.read,
                          "batched_429": len(throttled), "baseline_requests": base_req,
                          "baseline_read": done, "baseline_seconds": round(base_s, 3),
                          "baseline_refused": refused}))
        ctx.db.dispose()
        ok = len(batch) <= math.ceil(n / 100) and not throttled and result.read == n
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
