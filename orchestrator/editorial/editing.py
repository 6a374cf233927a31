"""Editing a post: the one rule the CLI, the HTTP API and the console apply.

- A draft, a post under review, an approved post or a rejected post may be edited; a post
  being published, published, failed, missed or cancelled may not.
- An edit that changes something makes the post a draft again: an approval covers the exact
  content, so an approved post loses its approval and its deliveries not yet sent (an
  approved post has only pending ones: the scheduler moves it to publishing in the
  transaction that queues them, and the post's row is locked here, so the two never cross);
  a post under review leaves the review queue; a rejected post can be submitted again.
- An edit that changes nothing leaves the post exactly as it is (status, approval,
  deliveries, version) and records nothing.
- ``version``: the tag the edit was made on (the post's ``etag``); when it is given and the
  post has changed since, the edit is refused, so two editors never overwrite each other.
  The API requires it (If-Match), the console's form carries it, the CLI may give it.
- Only what is given changes; variants change per platform (:mod:`orchestrator.domain.variants`).

Every edit is authorised (``edit``) and audited with what changed, the status the post had
and the deliveries withdrawn; whoever edited a post may not approve it (four eyes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from connectors.errors import InvalidTransition, NotFound, SiaranError, ValidationError
from connectors.wording import Said
from orchestrator.access.roles import act, authorize
from orchestrator.domain.model import Post, PostMedia
from orchestrator.domain.states import EDITABLE_POST, DeliveryStatus, PostStatus
from orchestrator.domain.variants import VariantChanges, applied, given_fields
from orchestrator.editorial.views import post_etag
from orchestrator.editorial.workflow import content_problems, refuse, store_media
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from orchestrator.store import pillars as pillar_rows
from orchestrator.store import posts as rows
from orchestrator.store.db import Connection

#: What an edit leaves alone (``None`` has a meaning: ``at=None`` removes the time).
UNCHANGED: object = object()
#: The edit's fields, by the names the interfaces use, and the post's stored column.
FIELDS = {"title": "title", "text": "body", "pillar": "pillar", "at": "scheduled_at",
          "variants": "variants", "options": "options"}


class StaleVersion(SiaranError):
    """The post changed after the version the edit was made on."""


@dataclass(frozen=True)
class Edited:
    """What an edit did: the post's new version, its status before and after, the fields
    that changed (none: the post is as it was) and the deliveries withdrawn."""

    version: str
    previous: PostStatus
    status: PostStatus
    changed: tuple[str, ...]
    withdrawn: int


def edit_post(ctx: Context, post_id: int, *, version: str | None = None,
              title: str | object = UNCHANGED, text: str | object = UNCHANGED,
              pillar: str | object = UNCHANGED, channels: Sequence[str] | object = UNCHANGED,
              at: datetime | None | object = UNCHANGED,
              variants: VariantChanges | object = UNCHANGED,
              options: dict | object = UNCHANGED,
              media: Sequence[PostMedia | tuple[str, str]] | object = UNCHANGED) -> Edited:
    """Change what is given of a post (see the module for the rule).

    ``at=None`` removes the publication time; ``channels``, ``options`` and ``media`` replace
    the post's own; ``media`` items are stored media or (file path, alt text) to store."""
    given = {k: v for k, v in (("title", title), ("text", text), ("pillar", pillar),
                               ("channels", channels), ("at", at), ("variants", variants),
                               ("options", options), ("media", media)) if v is not UNCHANGED}
    if not given:
        raise ValidationError(Said("nothing to change"))
    now = ctx.now()
    changes: VariantChanges = given.get("variants", {})
    problems = content_problems(
        ctx, now, title=given.get("title"), text=given.get("text"), pillar=given.get("pillar"),
        channels=None if "channels" not in given else list(given["channels"]),
        variants={p: given_fields(f) for p, f in changes.items()},
        options=given.get("options"), at=given.get("at"))
    refuse(problems)
    if "media" in given and not all(isinstance(m, PostMedia) for m in given["media"]):
        with ctx.db.read() as conn:  # nothing is copied into the store for a refused edit
            authorize(conn, ctx.user, "edit")
            rows.get(conn, post_id)
        given["media"] = [m if isinstance(m, PostMedia) else store_media(ctx, *m)
                          for m in given["media"]]
    with ctx.db.write() as conn:
        authorize(conn, ctx.user, "edit")
        rows.get(conn, post_id)  # NotFound
        rows.status_for_update(conn, post_id)  # the row stays locked until the commit
        post = rows.get(conn, post_id)
        if version is not None and version != post_etag(post):
            raise StaleVersion(Said("post {post} has changed since version {version}; read "
                                    "it again and edit the current version",
                                    post=str(post_id), version=version))
        if post.status not in EDITABLE_POST:
            raise InvalidTransition(Said("post"), post.status.value, Said(
                "draft (only a draft, a post under review, an approved or a rejected post is "
                "edited)"))
        fields, ids, stored = _differences(conn, post, given)
        changed = tuple(sorted({*(k for k, c in FIELDS.items() if c in fields),
                                *(["channels"] if ids is not None else []),
                                *(["media"] if stored is not None else [])}))
        if not changed:
            return Edited(post_etag(post), post.status, post.status, (), 0)
        _refuse_started(conn, post)
        rows.edit(conn, post_id, post.status, now, channel_ids=ids, media=stored, **fields)
        withdrawn = delivery_rows.remove_pending(conn, post_id)
        act(conn, user=ctx.user, action="edit", entity="post", entity_id=post_id, now=now,
            changed=list(changed), previous=post.status.value, withdrawn_deliveries=withdrawn)
        return Edited(post_etag(rows.get(conn, post_id)), post.status, PostStatus.DRAFT,
                      changed, withdrawn)


def _differences(conn: Connection, post: Post, given: dict[str, object]
                 ) -> tuple[dict[str, object], list[int] | None, tuple[PostMedia, ...] | None]:
    """The stored columns, channel ids and media the edit changes (None: unchanged)."""
    new: dict[str, object] = {}
    if "title" in given:
        new["title"] = str(given["title"]).strip()
    if "text" in given:
        new["body"] = given["text"]
    if "pillar" in given:
        new["pillar"] = pillar_rows.resolve(conn, str(given["pillar"]).strip())
    if "at" in given:
        new["scheduled_at"] = given["at"]
    if "variants" in given:
        new["variants"] = applied(post.variants, given["variants"])
    if "options" in given:
        new["options"] = dict(given["options"])
    current = {"title": post.title, "body": post.body, "pillar": post.pillar,
               "scheduled_at": post.scheduled_at, "variants": post.variants,
               "options": post.options}
    fields = {k: v for k, v in new.items() if v != current[k]}
    ids = None
    if "channels" in given and sorted(set(given["channels"])) != sorted(post.channels):
        try:
            ids = [channel_rows.by_name(conn, n).id for n in dict.fromkeys(given["channels"])]
        except NotFound as missing:
            raise ValidationError(missing.said, [("channels", missing.said)]) from None
    stored = None
    if "media" in given and tuple(given["media"]) != post.media:
        names = {m.digest: m.source_name for m in post.media}
        stored = tuple(m if m.source_name else PostMedia(
            m.digest, m.mime, m.size, m.ext, m.alt_text, names.get(m.digest, ""))
            for m in given["media"])
    return fields, ids, stored


def _refuse_started(conn: Connection, post: Post) -> None:
    """An approved post's deliveries are all pending until it is published; should one have
    started anyway, the edit is refused rather than let the content change under it."""
    if post.status is PostStatus.APPROVED and any(
            s is not DeliveryStatus.PENDING for s in delivery_rows.statuses(conn, post.id)):
        raise InvalidTransition(Said("post"), post.status.value, Said(
            "draft (a delivery has already started; cancel the post instead)"))
