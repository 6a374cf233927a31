"""Writing a post into the calendar: at a time, at the first free posting slot of its
channels (``queue``), or as the first occurrence of a series (``repeat``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.editorial import workflow
from orchestrator.runtime.context import Context
from orchestrator.store import posts as post_rows
from schedules.series import create_series
from schedules.slots import placer


@dataclass(frozen=True)
class Created:
    post_id: int
    scheduled_at: datetime | None
    queued: bool = False
    series_id: int | None = None


def create(ctx: Context, *, title: str, text: str, pillar: str, channels: list[str],
           at: datetime | None = None, queue: bool = False, repeat: str | None = None,
           missed_after: float | None = None, **post: object) -> Created:
    """Write a draft post; ``queue`` places it at the earliest moment that is a free slot
    on every one of its channels (within 90 days); ``repeat`` (an RFC 5545 rule) makes it
    the first occurrence of a series starting at ``at``."""
    if queue and at is not None:
        raise ValidationError(Said("give either a time or --queue, not both"))
    if repeat is not None:
        if queue or at is None:
            raise ValidationError(Said("a series needs the time of its first occurrence (--at)"))
        made = create_series(ctx, rule=repeat, at=at, title=title, text=text, pillar=pillar,
                             channels=channels, missed_after=missed_after, **post)
        return Created(made.first_post_id, made.first_at, series_id=made.series_id)
    place = placer(ctx.settings.timezone) if queue else None
    post_id = workflow.create_post(ctx, title=title, text=text, pillar=pillar,
                                   channels=channels, at=at, missed_after=missed_after,
                                   place=place, **post)
    if not queue:
        return Created(post_id, at)
    with ctx.db.read() as conn:
        return Created(post_id, post_rows.get(conn, post_id).scheduled_at, queued=True)
