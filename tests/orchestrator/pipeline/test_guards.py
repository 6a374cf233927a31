"""Guards on a real Redis: one admission script for cool-downs, circuits and windows."""

from __future__ import annotations

import uuid

import pytest
import redis

from connectors.retry import CIRCUIT
from orchestrator.domain.limits import RateLimit
from orchestrator.pipeline.guards import Guards


@pytest.fixture
def guards(redis_url):
    client = redis.Redis.from_url(redis_url)
    namespace = f"siaran-guards-{uuid.uuid4().hex[:10]}"
    yield Guards(client, namespace)
    keys = client.keys(f"{namespace}:*")
    if keys:
        client.delete(*keys)


def test_a_fresh_channel_is_admitted_without_slots(guards):
    admission = guards.admit(1, ())
    assert admission.ok and admission.slots == [] and admission.failures == 0


def test_a_cool_down_turns_the_channel_away_until_it_ends(guards):
    guards.cool_down(1, 30)
    admission = guards.admit(1, ())
    assert not admission.ok and 29 < admission.wait <= 30
    assert admission.reason == "platform asked to wait"
    assert guards.admit(2, ()).ok  # other channels are not affected


def test_consecutive_outages_open_the_circuit(guards):
    opened = [guards.outage(1) for _ in range(CIRCUIT.failures)]
    assert opened == [False] * (CIRCUIT.failures - 1) + [True]
    admission = guards.admit(1, ())
    assert not admission.ok and 0 < admission.wait <= 30
    assert admission.reason == "circuit open after repeated outages"


def test_a_success_resets_the_outages_counted_before_it(guards):
    for _ in range(CIRCUIT.failures - 1):
        guards.outage(1)
    admission = guards.admit(1, ())
    assert admission.ok and admission.failures == CIRCUIT.failures - 1
    guards.success(1, admission)
    assert guards.outage(1) is False  # counting starts again
    assert guards.admit(1, ()).failures == 1


def test_a_success_on_a_healthy_channel_sends_nothing(guards):
    admission = guards.admit(1, ())
    guards.client.set(guards._key("failures", 1), 3)  # counted by another worker meanwhile
    guards.success(1, admission)
    assert guards.client.get(guards._key("failures", 1)) == b"3"


def test_posting_windows_take_a_slot_in_every_window_or_in_none(guards):
    limits = (RateLimit(2, 3600), RateLimit(5, 60))
    first, second = guards.admit(1, limits), guards.admit(1, limits)
    assert first.ok and second.ok and len(first.slots) == 2
    third = guards.admit(1, limits)
    assert not third.ok and 3590 < third.wait <= 3600
    assert third.reason == "posting limit of the channel reached"
    assert guards.client.zcard(guards._key("window", 1, 60)) == 2  # nothing taken
    guards.release(second)
    assert guards.admit(1, limits).ok


def test_the_embargo_flag_turns_every_channel_away_but_an_override(guards):
    guards.set_embargo(7, "Hari berkabung nasional")
    assert guards.embargo() == (7, "Hari berkabung nasional")
    refused = guards.admit(1, (RateLimit(5, 60),), delivery_id=11)
    assert not refused.ok and refused.reason == "embargo in force" and refused.wait == 1.0
    assert guards.in_flight() == []  # not admitted, not in flight
    assert guards.client.zcard(guards._key("window", 1, 60)) == 0  # no slot taken
    assert guards.admit(1, (), delivery_id=12, override_embargo=True).ok
    assert guards.in_flight() == [12]


def test_the_flag_is_cleared_only_for_the_embargo_it_carries(guards):
    guards.set_embargo(7, "lama")
    guards.set_embargo(8, "baru")  # a newer embargo, set meanwhile
    assert guards.clear_embargo([7]) is False and guards.embargo() == (8, "baru")
    assert guards.clear_embargo([7, 8]) is True and guards.embargo() is None
    assert guards.admit(1, ()).ok


def test_admitted_deliveries_are_in_flight_until_finished(guards):
    assert guards.admit(1, (), delivery_id=21).ok and guards.admit(2, (), delivery_id=22).ok
    assert guards.in_flight() == [21, 22]
    seen: list[list[int]] = []
    assert guards.drain(0.2, seen.append, poll=0.01) == [21, 22]  # the wait ran out
    guards.finished(21)
    guards.finished(22)
    assert guards.drain(1.0, seen.append) == []
    assert seen == [[21, 22], []]


def test_a_request_in_flight_past_its_deadline_no_longer_counts(redis_url):
    client = redis.Redis.from_url(redis_url)
    namespace = f"siaran-guards-{uuid.uuid4().hex[:10]}"
    short = Guards(client, namespace, in_flight_ttl=0.05)
    try:
        assert short.admit(1, (), delivery_id=31).ok
        assert short.in_flight() == [31]
        assert short.drain(2.0) == []  # a worker that died does not hold the pause for ever
    finally:
        client.delete(*client.keys(f"{namespace}:*") or ["-"])


def test_window_usage_counts_the_slots_taken_and_given_back_without_taking_any(guards):
    limits = (RateLimit(10, 3600), RateLimit(2, 60))
    assert guards.window_usage(1, limits) == [0, 0]
    taken = guards.admit(1, limits)
    guards.admit(1, limits)
    assert guards.window_usage(1, limits) == [2, 2]
    assert not guards.admit(1, limits).ok  # 2 a minute: full; reading took nothing
    guards.release(taken)
    assert guards.window_usage(1, limits) == [1, 1]
    assert guards.window_usage(2, limits) == [0, 0] and guards.window_usage(1, ()) == []
