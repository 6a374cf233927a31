"""Submitting and approving posts as the calendar sees them.

What :mod:`orchestrator.editorial.workflow` does, plus what the calendar adds: a warning
when an approval moves its week's planned pillar mix away from the targets
(:mod:`schedules.mix`). The command line and the HTTP API call these, not the workflow's
own ``submit`` and ``approve``.
"""

from __future__ import annotations

from orchestrator.editorial import workflow
from orchestrator.editorial.validation import Finding
from orchestrator.runtime.context import Context
from orchestrator.store import posts as post_rows
from schedules.mix import drift_warnings


def submit(ctx: Context, post_id: int) -> list[Finding]:
    """Send a draft to review; returns the platform warnings."""
    return workflow.submit(ctx, post_id)


def approve(ctx: Context, post_id: int) -> list[Finding | str]:
    """Approve a post under review; returns the platform warnings and the mix warnings."""
    warnings: list[Finding | str] = list(workflow.approve(ctx, post_id))
    with ctx.db.read() as conn:
        approved = [post_rows.get(conn, post_id)]
    return warnings + drift_warnings(ctx, approved)
