"""The state machines of posts, deliveries and channels.

Each machine is a table of allowed moves; :func:`check` refuses any other move with
:class:`~connectors.errors.InvalidTransition`.
"""

from __future__ import annotations

from enum import StrEnum

from connectors.errors import InvalidTransition
from connectors.wording import Said


class PostStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    #: Nothing went out: every delivery missed its window (or was cancelled).
    MISSED = "missed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    SENDING = "sending"
    PUBLISHED = "published"
    RETRY_WAIT = "retry_wait"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    HELD = "held"
    #: Not started within the post's window after its time; only an explicit publish-now or
    #: an operator's retry sends it.
    MISSED = "missed"


class ChannelState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    NEEDS_REAUTH = "needs_reauth"

    @property
    def described(self) -> str:
        """The state in words: ``channel humas-tg needs re-authorisation``."""
        return {"active": "is active", "paused": "is paused",
                "needs_reauth": "needs re-authorisation"}[self.value]


P, D, C = PostStatus, DeliveryStatus, ChannelState

POST_MOVES: dict[PostStatus, frozenset[PostStatus]] = {
    # draft → draft: edited. Editing a post under review, approved or rejected sends it
    # back to draft (an approval covers the exact content).
    P.DRAFT: frozenset({P.IN_REVIEW, P.CANCELLED, P.DRAFT}),
    P.IN_REVIEW: frozenset({P.APPROVED, P.REJECTED, P.DRAFT, P.CANCELLED}),
    P.APPROVED: frozenset({P.PUBLISHING, P.DRAFT, P.CANCELLED}),
    P.REJECTED: frozenset({P.DRAFT}),
    P.PUBLISHING: frozenset({P.PUBLISHED, P.PARTIALLY_PUBLISHED, P.FAILED, P.CANCELLED,
                             P.MISSED}),
    P.PARTIALLY_PUBLISHED: frozenset({P.PUBLISHING, P.PUBLISHED}),
    P.FAILED: frozenset({P.PUBLISHING, P.PARTIALLY_PUBLISHED, P.PUBLISHED}),
    # missed → publishing: publish-now or an operator's retry sends it after all.
    P.MISSED: frozenset({P.PUBLISHING, P.CANCELLED}),
    P.PUBLISHED: frozenset(),
    P.CANCELLED: frozenset(),
}

DELIVERY_MOVES: dict[DeliveryStatus, frozenset[DeliveryStatus]] = {
    D.PENDING: frozenset({D.QUEUED, D.HELD, D.CANCELLED, D.MISSED}),
    D.QUEUED: frozenset({D.SENDING, D.RETRY_WAIT, D.HELD, D.CANCELLED, D.MISSED}),
    D.SENDING: frozenset({D.PUBLISHED, D.RETRY_WAIT, D.FAILED, D.UNKNOWN}),
    # retry_wait → retry_wait: deferred again (rate limit, open circuit) before any request.
    D.RETRY_WAIT: frozenset({D.SENDING, D.QUEUED, D.RETRY_WAIT, D.FAILED, D.HELD,
                             D.CANCELLED, D.MISSED}),
    D.FAILED: frozenset({D.QUEUED}),
    D.UNKNOWN: frozenset({D.PUBLISHED, D.QUEUED, D.FAILED, D.UNKNOWN}),
    D.HELD: frozenset({D.QUEUED, D.CANCELLED, D.MISSED}),
    D.MISSED: frozenset({D.QUEUED, D.CANCELLED}),
    D.PUBLISHED: frozenset(),
    D.CANCELLED: frozenset(),
}

CHANNEL_MOVES: dict[ChannelState, frozenset[ChannelState]] = {
    C.ACTIVE: frozenset({C.PAUSED, C.NEEDS_REAUTH}),
    C.PAUSED: frozenset({C.ACTIVE}),
    C.NEEDS_REAUTH: frozenset({C.ACTIVE, C.PAUSED}),
}

#: Delivery states from which a worker may claim the delivery.
CLAIMABLE = frozenset({D.QUEUED, D.RETRY_WAIT})
#: Delivery states that still need work (the post is not finished while any remains);
#: ``missed`` is closed: nothing more happens unless someone sends it on purpose.
OPEN_DELIVERY = frozenset({D.PENDING, D.QUEUED, D.SENDING, D.RETRY_WAIT, D.UNKNOWN, D.HELD})
#: Post states whose content may still be edited.
EDITABLE_POST = frozenset({P.DRAFT, P.IN_REVIEW, P.APPROVED, P.REJECTED})


def check(entity: str, moves: dict, current: StrEnum, target: StrEnum) -> None:
    """Raise InvalidTransition unless ``current → target`` is an allowed move."""
    if target not in moves[current]:
        raise InvalidTransition(entity, current.value, target.value)


def move_post(current: PostStatus, target: PostStatus) -> PostStatus:
    """Validate a post move and return the new state."""
    check(Said("post"), POST_MOVES, current, target)
    return target


def move_delivery(current: DeliveryStatus, target: DeliveryStatus) -> DeliveryStatus:
    """Validate a delivery move and return the new state."""
    check(Said("delivery"), DELIVERY_MOVES, current, target)
    return target


def move_channel(current: ChannelState, target: ChannelState) -> ChannelState:
    """Validate a channel move and return the new state."""
    check(Said("channel"), CHANNEL_MOVES, current, target)
    return target


def rollup(deliveries: list[DeliveryStatus]) -> PostStatus:
    """The state of a post that is publishing, derived from its deliveries.

    Once none is open: all published → published; some → partially published; all
    cancelled → cancelled; the rest missed (none failed) → missed; else failed."""
    if not deliveries or any(d in OPEN_DELIVERY for d in deliveries):
        return P.PUBLISHING
    published = sum(d is D.PUBLISHED for d in deliveries)
    if published == len(deliveries):
        return P.PUBLISHED
    if published:
        return P.PARTIALLY_PUBLISHED
    if all(d is D.CANCELLED for d in deliveries):
        return P.CANCELLED
    if all(d in (D.MISSED, D.CANCELLED) for d in deliveries):
        return P.MISSED
    return P.FAILED
