"""Deterministic engagement numbers for the sandbox's posts and accounts.

A post's numbers grow with its age on the sandbox clock and approach a ceiling of their
own (a hash of platform, post id and metric picks it, between half and one and a half times
the metric's :data:`CEILINGS`), so a test can compute exactly what a read answers at any
moment, and a later read never answers less. An account's followers start at its
``followers`` field (default :data:`FOLLOWERS`) and grow by ``followers_per_day``
(default :data:`PER_DAY`) for every day of sandbox time after :data:`EPOCH`.
"""

from __future__ import annotations

import hashlib

#: Where each metric's growth levels off, on average.
CEILINGS = {"views": 6000, "reach": 4000, "likes": 300, "comments": 40, "shares": 60,
            "saved": 25, "quotes": 12, "bookmarks": 20}
#: Seconds for a post to gather half of what it ever will.
HALF_LIFE = 6 * 3600.0
FOLLOWERS = 10_000
PER_DAY = 24
#: 2026-01-01T00:00:00Z: followers count from here.
EPOCH = 1_767_225_600.0
DAY = 86_400.0


def _spread(*key: str) -> float:
    digest = hashlib.sha256("|".join(key).encode()).digest()
    return 0.5 + int.from_bytes(digest[:4], "big") / 0xFFFFFFFF


def metric(platform: str, post_id: str, name: str, age: float) -> int:
    """What post ``post_id`` has gathered of ``name`` at ``age`` seconds old."""
    if age <= 0:
        return 0
    ceiling = CEILINGS.get(name, 50) * _spread(platform, post_id, name)
    return int(ceiling * (1 - 0.5 ** (age / HALF_LIFE)))


def followers(account: dict, now: float) -> int:
    """An account's followers at sandbox time ``now``."""
    base = int(account.get("followers", FOLLOWERS))
    per_day = float(account.get("followers_per_day", PER_DAY))
    return base + max(0, int((now - EPOCH) / DAY * per_day))


#: Facebook post insights the sandbox serves (those still valid after the 2025
#: deprecations; see connectors/platforms/facebook.py), by the metric each one reads.
FACEBOOK_INSIGHTS = {"post_media_view": "views", "post_total_media_view_unique": "reach",
                     "post_reactions_like_total": "likes", "post_clicks": "clicks"}
#: Instagram media insights the sandbox serves, by the metric each one reads.
INSTAGRAM_INSIGHTS = {"views": "views", "reach": "reach", "likes": "likes",
                      "comments": "comments", "shares": "shares", "saved": "saved",
                      "total_interactions": "likes"}


def insights(platform: str, post_id: str, names: list[str], known: dict[str, str],
             age: float) -> list[dict] | None:
    """Graph's insights ``data`` for ``names``; None when one of them is not a valid metric
    (Graph then refuses the whole request)."""
    if not names or any(n not in known for n in names):
        return None
    return [{"name": n, "period": "lifetime", "title": n.replace("_", " ").title(),
             "values": [{"value": metric(platform, post_id, known[n], age)}],
             "id": f"{post_id}/insights/{n}/lifetime"} for n in names]


def metric_list(expanded: str) -> list[str]:
    """The metrics of an expanded ``insights.metric(a,b)`` field (empty when none)."""
    start, end = expanded.find("metric("), expanded.rfind(")")
    if start < 0 or end < start:
        return []
    return [m.strip() for m in expanded[start + 7:end].split(",") if m.strip()]
