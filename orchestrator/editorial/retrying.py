"""Retrying a delivery, the one rule the command line, the API and the console share: an
``unknown`` delivery asks the platform first.

A failed, waiting or missed delivery is queued again (``publishing.retry_delivery``). An
``unknown`` one may already be on the platform, so it is never sent blindly: the operator's
retry is authorised and audited, then reconciliation reads the platform (found → recorded
``published``; not there → queued again; cannot tell → stays ``unknown``, for a person to
check the account and resolve by hand, or to retry with ``force`` having checked it).
"""

from __future__ import annotations

from orchestrator.access.roles import act
from orchestrator.domain.states import DeliveryStatus
from orchestrator.editorial.publishing import retry_delivery
from orchestrator.pipeline.reconcile import reconcile
from orchestrator.runtime.context import Context
from orchestrator.store import deliveries as rows

#: The outcome of retrying a delivery that was not unknown.
QUEUED = "queued"
#: What each outcome means, for people.
MEANINGS = {
    QUEUED: "queued: it will be sent again",
    "published": "it was on the platform already: recorded as published, not sent again",
    "resent": "it was not on the platform: queued to be sent again",
    "failed": "the platform refused it: failed",
    "undecided": "the platform cannot tell whether it is there: check the account, then "
                 "`deliveries resolve`, or retry with --force",
    "skipped": "it was settled meanwhile: nothing to do",
}


def retry_checked(ctx: Context, delivery_id: int, *, force: bool = False) -> str:
    """Retry one delivery, asking the platform first when its outcome is unknown (unless
    ``force``: the operator checked the account); returns what happened: ``queued`` (sent
    again), ``published`` (it was there already), ``resent`` (not there: sent again),
    ``failed``, ``undecided`` (still unknown) or ``skipped`` (it was settled meanwhile)."""
    with ctx.db.read() as conn:
        delivery = rows.get(conn, delivery_id)
    if force or delivery.status is not DeliveryStatus.UNKNOWN:
        retry_delivery(ctx, delivery_id, force=force)
        return QUEUED
    with ctx.db.write() as conn:
        act(conn, user=ctx.user, action="retry", entity="delivery", entity_id=delivery_id,
            now=ctx.now(), previous=delivery.status.value, reconcile_first=True)
    return reconcile(ctx, delivery_id).outcome
