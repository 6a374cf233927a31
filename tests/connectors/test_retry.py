"""The retry policy: one decision for every error kind of the taxonomy, guard waits, and the
in-call retry policies. Randomness comes from seeded generators."""

from __future__ import annotations

import inspect
import math
import random

import pytest

from connectors import errors, retry
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    PublishError,
    RateLimited,
    RetryableError,
    Unavailable,
)
from connectors.retry import DEFAULT, Action, decide, defer
from orchestrator.runtime import config

A = Action
SEEDS = range(200)


def decided(error: PublishError, *, spent: int = 0, elapsed: float = 0.0, seed: int = 7,
            platform: str = "x", give_up: dict[str, float] | None = None) -> retry.Decision:
    return decide(error, platform=platform, attempts_spent=spent, elapsed=elapsed,
                  give_up=give_up, rng=random.Random(seed))


# -- every error kind ------------------------------------------------------------------------

#: Each PublishError class of the taxonomy with the action it leads to, whatever the budget.
SETTLED = {
    OutcomeUnknown: A.RECONCILE,
    DuplicateContent: A.RECONCILE,
    AuthExpired: A.HOLD_CHANNEL,
    ContentRejected: A.FAIL,
    PermissionDenied: A.FAIL,
    PermanentError: A.FAIL,
    PublishError: A.FAIL,
}
#: Classes whose outcome depends on the budget and the clock (tested one by one below).
TIMED = {RetryableError, RateLimited, Unavailable}


def test_every_error_kind_of_the_taxonomy_has_a_decision_here():
    taxonomy = {c for _, c in inspect.getmembers(errors, inspect.isclass)
                if issubclass(c, PublishError)}
    assert taxonomy == set(SETTLED) | TIMED


@pytest.mark.parametrize("kind", list(SETTLED), ids=lambda c: c.__name__)
@pytest.mark.parametrize(("spent", "elapsed"), [(0, 0.0), (20, 10 ** 6)])
def test_settled_kinds_never_wait(kind, spent, elapsed):
    decision = decided(kind("answer", platform="x", status=400), spent=spent, elapsed=elapsed)
    assert decision.action is SETTLED[kind]
    assert decision.delay is None and decision.cool_down is None and not decision.outage
    assert decision.reason


def test_an_unknown_outcome_and_a_duplicate_are_reconciled_never_retried():
    for error in (OutcomeUnknown("read timeout"), DuplicateContent("already posted")):
        decision = decided(error)
        assert decision.action is A.RECONCILE and "reconcile" in decision.reason


def test_an_expired_token_holds_the_channel():
    decision = decided(AuthExpired("token revoked", status=401))
    assert decision.action is A.HOLD_CHANNEL and "re-authorisation" in decision.reason


# -- rate limits -----------------------------------------------------------------------------

def test_a_rate_limit_waits_for_the_reset_and_cools_the_channel():
    for seed in SEEDS:
        decision = decided(RateLimited("429", retry_after=40), seed=seed)
        assert decision.action is A.RETRY
        assert 40 <= decision.delay <= 40 + DEFAULT.rate_limit_jitter
        assert decision.cool_down == 40 and not decision.outage


def test_a_rate_limit_spends_no_attempt():
    exhausted = DEFAULT.max_attempts * 3
    assert decided(RateLimited("429", retry_after=10), spent=exhausted).action is A.RETRY
    assert not retry.spends_budget(RateLimited("429"))


def test_a_rate_limit_without_a_reset_waits_the_base_delay_and_cools_nothing():
    delays = [decided(RateLimited("429"), seed=s).delay for s in SEEDS]
    assert all(DEFAULT.base <= d <= DEFAULT.base + DEFAULT.rate_limit_jitter for d in delays)
    assert decided(RateLimited("429")).cool_down is None


def test_a_rate_limit_beyond_the_horizon_gives_up_but_still_cools_the_channel():
    horizon = DEFAULT.rate_limit_horizon
    assert decided(RateLimited("429", retry_after=60), elapsed=horizon - 100).action is A.RETRY
    late = decided(RateLimited("429", retry_after=60), elapsed=horizon - 30)
    assert late.action is A.FAIL and late.delay is None and late.cool_down == 60
    assert "horizon" in late.reason


def test_a_reset_far_in_the_future_gives_up_and_the_cool_down_is_capped():
    decision = decided(RateLimited("429", retry_after=9e9))
    assert decision.action is A.FAIL
    assert decision.cool_down == DEFAULT.rate_limit_horizon


# -- outages ---------------------------------------------------------------------------------

def _ceiling(try_number: int) -> float:
    return min(DEFAULT.cap, DEFAULT.base * 2 ** (try_number - 1))


@pytest.mark.parametrize("spent", range(DEFAULT.max_attempts - 1))
def test_an_outage_backs_off_with_full_jitter_up_to_a_ceiling_that_doubles(spent):
    delays = [decided(Unavailable("503"), spent=spent, seed=s) for s in SEEDS]
    assert all(d.action is A.RETRY and d.outage and d.cool_down is None for d in delays)
    waits = [d.delay for d in delays]
    ceiling = _ceiling(spent + 1)
    assert all(DEFAULT.base / 2 <= w <= ceiling for w in waits)
    assert max(waits) > ceiling - (ceiling - DEFAULT.base / 2) * 0.1  # the ceiling is reached


def test_the_backoff_ceiling_grows_then_stops_at_the_cap():
    ceilings = [max(decided(Unavailable("503"), spent=n, seed=s).delay for s in SEEDS)
                for n in range(DEFAULT.max_attempts - 1)]
    assert ceilings[0] < ceilings[1] < ceilings[2] < ceilings[3]
    assert all(c <= DEFAULT.cap for c in ceilings)
    assert ceilings[-1] > DEFAULT.cap * 0.9  # 5 s · 2⁶ = 320 s, capped at 300 s


def test_the_same_seed_gives_the_same_wait():
    assert decided(Unavailable("503"), spent=3, seed=11) == decided(Unavailable("503"), spent=3,
                                                                    seed=11)


def test_outages_spend_the_attempt_budget_until_it_is_gone():
    assert retry.spends_budget(Unavailable("503")) and retry.spends_budget(RetryableError("?"))
    assert decided(Unavailable("503"), spent=DEFAULT.max_attempts - 2).action is A.RETRY
    last = decided(Unavailable("503"), spent=DEFAULT.max_attempts - 1)
    assert last.action is A.FAIL and last.delay is None and last.outage
    assert f"{DEFAULT.max_attempts} tries" in last.reason


def test_an_outage_gives_up_at_the_horizon():
    horizon = DEFAULT.give_up_after
    assert decided(Unavailable("503"), elapsed=horizon - DEFAULT.base).action is A.RETRY
    late = decided(Unavailable("503"), elapsed=horizon - DEFAULT.base / 4)
    assert late.action is A.FAIL and late.outage


def test_an_outage_waits_at_least_what_the_platform_asked():
    decision = decided(Unavailable("503", retry_after=120))
    assert decision.action is A.RETRY and decision.delay >= 120


def test_a_plain_retryable_error_backs_off_without_opening_circuits():
    decision = decided(RetryableError("try later"))
    assert decision.action is A.RETRY and not decision.outage


def test_the_give_up_horizon_is_per_platform_from_the_settings(tmp_path):
    settings = config.load({"SIARAN_DATA_DIR": str(tmp_path),
                            "SIARAN_RETRY_GIVE_UP": "x=60,facebook=7200"})
    give_up = settings.retry_give_up
    elapsed = 100.0
    assert decided(Unavailable("503"), elapsed=elapsed, give_up=give_up,
                   platform="x").action is A.FAIL
    assert decided(Unavailable("503"), elapsed=DEFAULT.give_up_after, give_up=give_up,
                   platform="facebook").action is A.RETRY
    assert decided(Unavailable("503"), elapsed=elapsed, give_up=give_up,
                   platform="wordpress").action is A.RETRY
    assert retry.policy_for("x", give_up).give_up_after == 60
    assert retry.policy_for("telegram", give_up) == DEFAULT


# -- guards ----------------------------------------------------------------------------------

def test_a_guard_wait_within_the_cap_is_kept():
    decision = defer(30.0, reason="circuit open", platform="x", deferred=0.0)
    assert decision.action is A.RETRY and decision.delay == 30.0
    assert decision.reason == "circuit open"


@pytest.mark.parametrize("wait", [9e9, math.inf, math.nan])
def test_a_guard_wait_far_in_the_future_is_capped(wait):
    decision = defer(wait, reason="platform asked to wait", platform="x", deferred=0.0)
    assert decision.action is A.RETRY and decision.delay == DEFAULT.max_guard_wait


def test_deferrals_count_against_the_rate_limit_horizon():
    horizon, cap = DEFAULT.rate_limit_horizon, DEFAULT.max_guard_wait
    assert defer(cap, reason="r", platform="x", deferred=horizon - cap).action is A.RETRY
    over = defer(cap, reason="posting limit of the channel reached", platform="x",
                 deferred=horizon - cap + 1)
    assert over.action is A.FAIL and over.delay is None
    assert over.reason.startswith("posting limit of the channel reached;")
    assert "gave up" in over.reason


def test_a_cool_down_asked_for_by_a_platform_is_capped_at_the_horizon():
    assert retry.cool_down_for(900.0, platform="x") == 900.0
    assert retry.cool_down_for(1e12, platform="x") == DEFAULT.rate_limit_horizon
    assert retry.cool_down_for(-5.0, platform="x") == 0.0


# -- Dramatiq and in-call retries -------------------------------------------------------------

def test_dramatiq_never_retries_on_its_own():
    assert retry.never_retry(0, Unavailable("503")) is False
    assert retry.never_retry(3, RuntimeError("bug")) is False


class Calls:
    """A function that fails with the given errors, then answers."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        if self.failures:
            raise self.failures.pop(0)
        return "answer"


def _wrapped(policy: retry.InCallRetry, calls: Calls, slept: list[float]):
    return retry.in_call(policy)(calls).retry_with(sleep=slept.append)


@pytest.mark.parametrize("policy", [retry.IN_CALL, retry.READ_BACK], ids=["in_call", "read"])
def test_an_in_call_policy_stops_after_its_attempts_and_reraises(policy):
    calls, slept = Calls(*[Unavailable("503")] * 10), []
    with pytest.raises(Unavailable):
        _wrapped(policy, calls, slept)()
    assert calls.count == policy.attempts
    assert len(slept) == policy.attempts - 1
    assert all(0 < s <= policy.max_wait for s in slept)


def test_an_in_call_policy_returns_the_first_answer():
    calls, slept = Calls(OutcomeUnknown("dropped")), []
    assert _wrapped(retry.IN_CALL, calls, slept)() == "answer"
    assert calls.count == 2 and len(slept) == 1


@pytest.mark.parametrize(("policy", "error", "tries"), [
    (retry.IN_CALL, PermanentError("400"), 1),
    (retry.IN_CALL, RateLimited("429", retry_after=5), 1),
    (retry.IN_CALL, OutcomeUnknown("timeout"), retry.IN_CALL.attempts),
    (retry.READ_BACK, RateLimited("429", retry_after=5), retry.READ_BACK.attempts),
    (retry.READ_BACK, ContentRejected("400"), 1),
], ids=["permanent", "rate-limited", "unknown", "read-rate-limited", "read-rejected"])
def test_in_call_policies_retry_only_their_kinds(policy, error, tries):
    calls = Calls(*[error] * 10)
    with pytest.raises(type(error)):
        _wrapped(policy, calls, [])()
    assert calls.count == tries

