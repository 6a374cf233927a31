"""Lists: posts and deliveries by filter, and the audit trail, a page at a time."""

from __future__ import annotations

from orchestrator.access.roles import authorize
from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.editorial import views
from orchestrator.runtime.context import Context
from orchestrator.store import audit
from orchestrator.store import posts as post_rows

#: The most one page holds.
PAGE_MAX = 1000


def posts(ctx: Context, *, status: PostStatus | None = None, pillar: str | None = None,
          channel: str | None = None, author: str | None = None, limit: int = 100,
          offset: int = 0) -> list[dict]:
    """Posts matching every filter given, newest first, with their deliveries (a page)."""
    return views.list_posts(ctx, status=status, pillar=pillar, channel=channel,
                            author=author, limit=min(limit, PAGE_MAX), offset=offset)


def deliveries(ctx: Context, *, status: DeliveryStatus | None = None,
               channel: str | None = None, platform: str | None = None,
               error_kind: str | None = None, post_id: int | None = None, limit: int = 1000,
               offset: int = 0) -> list[dict]:
    """Deliveries matching every filter given, newest first (the operations view; a page)."""
    return views.list_deliveries(ctx, status=status, channel=channel, platform=platform,
                                 error_kind=error_kind, post_id=post_id,
                                 limit=min(limit, PAGE_MAX), offset=offset)


def post_audit(ctx: Context, post_id: int) -> list[dict]:
    """The audit trail of one post, oldest first."""
    with ctx.db.read() as conn:
        post_rows.get(conn, post_id)  # NotFound
        return audit.events(conn, "post", post_id)


def audit_log(ctx: Context, *, entity: str | None = None, actor: str | None = None,
              action: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Audit events, newest first: admins only."""
    with ctx.db.read() as conn:
        authorize(conn, ctx.user, "audit_list")
        return audit.search(conn, entity=entity, actor=actor, action=action,
                            limit=min(limit, PAGE_MAX), offset=offset, newest_first=True)
