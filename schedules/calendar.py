"""Calendar views: the posts of a period with the state of each delivery.

Three queries whatever the period holds: the posts, their channels, their deliveries.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.editorial.views import post_view
from orchestrator.runtime.context import Context
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import posts as post_rows


def calendar(ctx: Context, start: datetime | None, end: datetime | None, *,
             channel: str | None = None, pillar: str | None = None,
             status: PostStatus | None = None,
             delivery_status: Collection[DeliveryStatus] | None = None,
             limit: int | None = None, offset: int = 0) -> list[dict]:
    """Posts in [start, end) with their delivery states, by time (unscheduled last);
    optionally of one channel, pillar or status, with a delivery in one of
    ``delivery_status`` (on that channel, when one is given), and a page of ``limit`` from
    ``offset``."""
    tz = ctx.settings.timezone
    with ctx.db.read() as conn:
        posts = post_rows.page(
            conn, start=start, end=end, channel=channel, pillar=pillar, status=status,
            delivery_statuses=(None if delivery_status is None
                               else {DeliveryStatus(s).value for s in delivery_status}),
            limit=limit, offset=offset)
        by_post = delivery_rows.for_posts(conn, [p.id for p in posts])
    return [post_view(p, by_post[p.id], tz) for p in posts]
