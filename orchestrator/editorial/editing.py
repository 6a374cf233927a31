"""Editing a post that is still a draft, or was rejected (it becomes a draft again).

An edit names the version it was made on (the post's ``etag``): when the post has changed
since, the edit is refused, so two editors never overwrite each other.
"""

from __future__ import annotations

from datetime import datetime

from connectors.errors import InvalidTransition, NotFound, SiaranError, ValidationError
from orchestrator.access.roles import act, authorize
from orchestrator.domain.model import PostMedia
from orchestrator.domain.states import PostStatus
from orchestrator.editorial.views import post_etag
from orchestrator.editorial.workflow import content_problems
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import posts as rows

EDITABLE = (PostStatus.DRAFT, PostStatus.REJECTED)
#: What an edit leaves alone.
UNCHANGED = object()


class StaleVersion(SiaranError):
    """The post changed after the version the edit was made on."""


def edit_post(ctx: Context, post_id: int, *, version: str | None, title=UNCHANGED,
              text=UNCHANGED, pillar=UNCHANGED, channels=UNCHANGED, at=UNCHANGED,
              variants=UNCHANGED, options=UNCHANGED, media=UNCHANGED) -> str:
    """Change what is given of a draft or rejected post; returns its new version tag.

    ``version`` is the tag the edit was made on (None: whatever the post is now); ``media``
    is a list of :class:`~orchestrator.domain.model.PostMedia` already stored."""
    now = ctx.now()
    with ctx.db.write() as conn:
        authorize(conn, ctx.user, "edit")
        rows.get(conn, post_id)  # NotFound
        rows.status_for_update(conn, post_id)  # the row stays locked until the commit
        post = rows.get(conn, post_id)
        if version is not None and version != post_etag(post):
            raise StaleVersion(f"post {post_id} has changed since version {version}; "
                               "read it again and edit the current version")
        if post.status not in EDITABLE:
            raise InvalidTransition("post", post.status.value,
                                    "edited (only a draft or a rejected post is edited)")
        new = {"title": post.title if title is UNCHANGED else title,
               "text": post.body if text is UNCHANGED else text,
               "pillar": post.pillar if pillar is UNCHANGED else pillar,
               "channels": list(post.channels) if channels is UNCHANGED else list(channels),
               "variants": post.variants if variants is UNCHANGED else variants,
               "options": post.options if options is UNCHANGED else options}
        when: datetime | None = post.scheduled_at if at is UNCHANGED else at
        problems = content_problems(ctx, now, **new, at=None if at is UNCHANGED else when)
        if problems:
            raise ValidationError("; ".join(p for _, p in problems), problems)
        try:
            ids = [channel_rows.by_name(conn, n).id for n in dict.fromkeys(new["channels"])]
        except NotFound as missing:
            raise ValidationError(str(missing), [("channels", str(missing))]) from None
        stored: tuple[PostMedia, ...] = post.media if media is UNCHANGED else tuple(media)
        rows.replace_content(conn, post_id, title=new["title"].strip(),
                             pillar=new["pillar"].strip(), body=new["text"],
                             variants=new["variants"], options=new["options"],
                             scheduled_at=when, channel_ids=ids, media=stored, now=now)
        if post.status is PostStatus.REJECTED:
            rows.move(conn, post_id, PostStatus.REJECTED, PostStatus.DRAFT, now)
        changed = sorted(k for k, v in (("title", title), ("text", text), ("pillar", pillar),
                                        ("channels", channels), ("at", at),
                                        ("variants", variants), ("options", options),
                                        ("media", media)) if v is not UNCHANGED)
        act(conn, user=ctx.user, action="edit", entity="post", entity_id=post_id, now=now,
            changed=changed, previous=post.status.value)
        return post_etag(rows.get(conn, post_id))

