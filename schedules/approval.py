"""Submitting and approving posts as the calendar sees them.

What :mod:`orchestrator.editorial.workflow` does, plus what the calendar adds:

* an occurrence of a series that still has the series' content is submitted or approved
  with its series (:mod:`schedules.series`): every such occurrence follows;
* a warning when an approval moves its week's planned pillar mix away from the targets
  (:mod:`schedules.mix`).

The command line and the HTTP API call these, not the workflow's own ``submit`` and
``approve``.
"""

from __future__ import annotations

from orchestrator.domain.series import SeriesStatus
from orchestrator.domain.states import PostStatus
from orchestrator.editorial import workflow
from orchestrator.editorial.validation import Finding
from orchestrator.runtime.context import Context
from orchestrator.store import posts as post_rows
from schedules import series
from schedules.mix import drift_warnings


def submit(ctx: Context, post_id: int) -> list[Finding]:
    """Send a draft (or a draft series, through one of its occurrences) to review; returns
    the platform warnings."""
    with ctx.db.read() as conn:
        post = post_rows.get(conn, post_id)
        found = (series.follows_series(conn, post, SeriesStatus.DRAFT)
                 if post.status is PostStatus.DRAFT else None)
    if found is not None:
        return series.submit_series(ctx, found.id, post)
    return workflow.submit(ctx, post_id)


def approve(ctx: Context, post_id: int) -> list[Finding | str]:
    """Approve a post under review (or its series, through one of its occurrences); returns
    the platform warnings and the mix warnings."""
    with ctx.db.read() as conn:
        post = post_rows.get(conn, post_id)
        found = (series.follows_series(conn, post, SeriesStatus.IN_REVIEW)
                 if post.status is PostStatus.IN_REVIEW else None)
    if found is not None:
        findings, approved_ids = series.approve_series(ctx, found.id, post)
    else:
        findings, approved_ids = workflow.approve(ctx, post_id), [post_id]
    with ctx.db.read() as conn:
        approved = [post_rows.get(conn, p) for p in approved_ids]
    return [*findings, *drift_warnings(ctx, approved)]
