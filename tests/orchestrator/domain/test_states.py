"""State machines: every allowed move passes, every other move is refused by name."""

from __future__ import annotations

import itertools

import pytest

from connectors.errors import InvalidTransition
from orchestrator.domain.states import (
    CHANNEL_MOVES,
    DELIVERY_MOVES,
    POST_MOVES,
    ChannelState,
    DeliveryStatus,
    PostStatus,
    move_channel,
    move_delivery,
    move_post,
    rollup,
)

MACHINES = [
    ("post", POST_MOVES, PostStatus, move_post),
    ("delivery", DELIVERY_MOVES, DeliveryStatus, move_delivery),
    ("channel", CHANNEL_MOVES, ChannelState, move_channel),
]


def _pairs(allowed: bool):
    for name, moves, enum, move in MACHINES:
        for a, b in itertools.product(enum, enum):
            if (b in moves[a]) == allowed:
                yield pytest.param(move, a, b, id=f"{name}:{a.value}->{b.value}")


@pytest.mark.parametrize(("move", "current", "target"), list(_pairs(allowed=False)))
def test_every_illegal_transition_is_refused(move, current, target):
    with pytest.raises(InvalidTransition) as refused:
        move(current, target)
    assert f"from {current.value} to {target.value}" in str(refused.value)


@pytest.mark.parametrize(("move", "current", "target"), list(_pairs(allowed=True)))
def test_every_allowed_transition_passes(move, current, target):
    assert move(current, target) is target


def test_every_state_has_a_row():
    for _name, moves, enum, _move in MACHINES:
        assert set(moves) == set(enum)


D = DeliveryStatus


@pytest.mark.parametrize(("deliveries", "expected"), [
    ([D.PUBLISHED, D.PUBLISHED], PostStatus.PUBLISHED),
    ([D.PUBLISHED, D.FAILED], PostStatus.PARTIALLY_PUBLISHED),
    ([D.FAILED, D.FAILED], PostStatus.FAILED),
    ([D.FAILED, D.CANCELLED], PostStatus.FAILED),
    ([D.CANCELLED, D.CANCELLED], PostStatus.CANCELLED),
    ([D.PUBLISHED, D.SENDING], PostStatus.PUBLISHING),
    ([D.PUBLISHED, D.UNKNOWN], PostStatus.PUBLISHING),
    ([D.PUBLISHED, D.HELD], PostStatus.PUBLISHING),
    ([D.RETRY_WAIT], PostStatus.PUBLISHING),
    ([D.MISSED, D.MISSED], PostStatus.MISSED),
    ([D.MISSED, D.CANCELLED], PostStatus.MISSED),
    ([D.MISSED, D.FAILED], PostStatus.FAILED),
    ([D.MISSED, D.PUBLISHED], PostStatus.PARTIALLY_PUBLISHED),
    ([D.MISSED, D.QUEUED], PostStatus.PUBLISHING),
])
def test_rollup(deliveries, expected):
    assert rollup(deliveries) is expected
