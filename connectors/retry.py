"""The one retry policy: what happens after an error, and every number a retry uses.

It lives in ``connectors`` because the connectors' own in-call retries take their settings
from it, and connectors may not import the orchestrator. Its users:

* :func:`decide` — :mod:`orchestrator.pipeline.delivery`, after a publish call failed;
* :func:`defer` and :func:`cool_down_for` — the delivery code, when a guard (cool-down,
  circuit, posting window) turns a delivery away, and when a platform asks for quiet;
* :data:`CIRCUIT` — :mod:`orchestrator.pipeline.guards`;
* :func:`never_retry` — Dramatiq's ``Retries`` middleware (:mod:`orchestrator.pipeline.broker`);
* :data:`SWEEP` — :mod:`orchestrator.pipeline.sweeper`;
* :data:`IN_CALL`, :data:`READ_BACK`, :func:`in_call` — short retries inside one call:
  :func:`connectors.http.retry_safe` and :mod:`orchestrator.pipeline.reconcile`.

What :func:`decide` does with each kind of :mod:`connectors.errors`:

* ``OutcomeUnknown``, ``DuplicateContent`` → **reconcile first** (``unknown``): the post may
  be on the platform; it is read back before anything is sent again, never retried blindly.
* ``AuthExpired`` → **hold the channel**: the delivery fails, the channel needs
  re-authorisation and its waiting deliveries are held.
* ``ContentRejected``, ``PermissionDenied``, any other ``PermanentError`` or plain
  ``PublishError`` → **give up** (``failed``).
* ``Unavailable`` (and any other ``RetryableError``) → **retry** with exponential backoff
  and full jitter, from ``base`` up to ``cap`` seconds; each such try spends the attempt
  budget (``max_attempts``), and Siaran gives up ``give_up_after`` seconds after the first
  attempt (per platform: ``SIARAN_RETRY_GIVE_UP``). An ``Unavailable`` counts toward the
  channel's circuit.
* ``RateLimited`` → **retry** at the platform's reset time (``retry_after``) plus a little
  jitter so that waiting workers do not stampede; the channel cools down until then. It
  spends no attempt, only the longer ``rate_limit_horizon``.

A guard's wait is capped at ``max_guard_wait`` (a cool-down far in the future is re-checked
an hour later, not obeyed), and a delivery deferred by guards for longer in total than the
``rate_limit_horizon`` gives up (:func:`defer`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from connectors.errors import (
    AuthExpired,
    DuplicateContent,
    OutcomeUnknown,
    PublishError,
    RateLimited,
    RetryableError,
    Unavailable,
)


@dataclass(frozen=True)
class RetryPolicy:
    """The numbers of a platform's retries, in seconds."""

    base: float = 5.0
    cap: float = 300.0
    max_attempts: int = 8
    give_up_after: float = 1800.0
    rate_limit_horizon: float = 86400.0
    #: Jitter added to a rate-limit wait.
    rate_limit_jitter: float = 2.0
    #: The longest single wait a guard may impose before the delivery asks again.
    max_guard_wait: float = 3600.0


DEFAULT = RetryPolicy()
#: Error kinds whose tries spend a delivery's attempt budget (rate-limit waits do not).
BUDGET_KINDS = (Unavailable.kind, RetryableError.kind)


def policy_for(platform: str, give_up: dict[str, float] | None = None) -> RetryPolicy:
    """The policy of a platform; ``give_up`` (from SIARAN_RETRY_GIVE_UP) sets its horizon."""
    if give_up and platform in give_up:
        return replace(DEFAULT, give_up_after=give_up[platform])
    return DEFAULT


class Action(StrEnum):
    RETRY = "retry"                 # try again after ``Decision.delay`` seconds
    FAIL = "fail"                   # give up: the delivery fails
    HOLD_CHANNEL = "hold_channel"   # fails; the channel needs re-authorisation, others held
    RECONCILE = "reconcile"         # unknown: read the platform back before sending again


@dataclass(frozen=True)
class Decision:
    """What happens next, and what the channel's guards are told."""

    action: Action
    delay: float | None = None
    reason: str = ""
    #: Nobody publishes to the channel for this many seconds.
    cool_down: float | None = None
    #: Counts toward the channel's circuit.
    outage: bool = False


def spends_budget(error: PublishError) -> bool:
    """Does a try that ended in ``error`` spend the delivery's attempt budget?"""
    return error.kind in BUDGET_KINDS


def _capped(seconds: float, cap: float) -> float:
    """``seconds`` within [0, cap]; anything else a peer could send (inf, NaN) is ``cap``."""
    if seconds < 0:
        return 0.0
    return seconds if seconds <= cap else cap


def cool_down_for(seconds: float, *, platform: str,
                  give_up: dict[str, float] | None = None) -> float:
    """A cool-down a platform asked for, capped at the rate-limit horizon."""
    return _capped(seconds, policy_for(platform, give_up).rate_limit_horizon)


def decide(error: PublishError, *, platform: str, attempts_spent: int, elapsed: float,
           give_up: dict[str, float] | None = None,
           rng: random.Random | None = None) -> Decision:
    """What happens after ``error``.

    ``attempts_spent``: earlier tries of the delivery that spent the budget (this one not
    counted); ``elapsed``: seconds since its first attempt; ``give_up``: per-platform
    horizons from the settings.
    """
    if isinstance(error, OutcomeUnknown | DuplicateContent):
        return Decision(Action.RECONCILE, reason="the post may be on the platform: "
                                                 "reconcile before sending again")
    if isinstance(error, AuthExpired):
        return Decision(Action.HOLD_CHANNEL, reason="the channel needs re-authorisation")
    if not isinstance(error, RetryableError):
        return Decision(Action.FAIL, reason=f"{error.kind}: trying again will not help")
    policy = policy_for(platform, give_up)
    rng = rng or random
    if isinstance(error, RateLimited):
        cool = (cool_down_for(error.retry_after, platform=platform, give_up=give_up)
                if error.retry_after else None)
        wait = max(error.retry_after or policy.base, 1.0) + rng.uniform(
            0, policy.rate_limit_jitter)
        if elapsed + wait > policy.rate_limit_horizon:
            return Decision(Action.FAIL, cool_down=cool,
                            reason="rate limited beyond the rate-limit horizon")
        return Decision(Action.RETRY, wait, "rate limited", cool_down=cool)
    outage = isinstance(error, Unavailable)
    attempt = attempts_spent + (1 if spends_budget(error) else 0)
    if attempt >= policy.max_attempts:
        return Decision(Action.FAIL, reason=f"gave up after {attempt} tries", outage=outage)
    ceiling = min(policy.cap, policy.base * 2 ** (attempt - 1))
    wait = max(error.retry_after or 0.0, rng.uniform(policy.base / 2, ceiling))
    if elapsed + wait > policy.give_up_after:
        return Decision(Action.FAIL, outage=outage,
                        reason=f"gave up {policy.give_up_after:.0f} s after the first attempt")
    return Decision(Action.RETRY, wait, f"try {attempt + 1} after a backoff", outage=outage)


#: The error kind of a delivery that the guards deferred for too long.
DEFERRED_TOO_LONG = "deferred_too_long"


def defer(wait: float, *, reason: str, platform: str, deferred: float,
          give_up: dict[str, float] | None = None) -> Decision:
    """A guard turned a delivery away for ``wait`` seconds: wait (capped), or give up.

    ``deferred``: the seconds the guards have already made the delivery wait. Guards read
    Redis, which anyone with access to it can write: a wait is capped at
    ``max_guard_wait``, and once the waits add up to more than the rate-limit horizon the
    delivery fails instead of waiting for ever."""
    policy = policy_for(platform, give_up)
    capped = _capped(wait, policy.max_guard_wait)
    if deferred + capped > policy.rate_limit_horizon:
        return Decision(Action.FAIL, reason=(
            f"{reason}; deferred by the channel's guards for {deferred:.0f} s in total, "
            f"Siaran waits at most {policy.rate_limit_horizon:.0f} s: gave up"))
    return Decision(Action.RETRY, capped, reason)


@dataclass(frozen=True)
class CircuitPolicy:
    """After ``failures`` outages in a row within ``window`` s, a channel rests ``open`` s."""

    failures: int = 5
    window: int = 60
    open: int = 30


CIRCUIT = CircuitPolicy()


@dataclass(frozen=True)
class SweepTimings:
    """How long the sweeper lets things be, in seconds."""

    #: A message not picked up after this long is looked for in Redis.
    lost_after: float = 30.0
    #: The wait after an uncertain attempt before the platform is read back.
    settle: float = 5.0
    #: An undecided delivery is asked about again this often.
    recheck: float = 30.0


SWEEP = SweepTimings()


def never_retry(retries: int, exception: BaseException) -> bool:
    """Dramatiq's ``retry_when``: Dramatiq never retries on its own; :func:`decide` does."""
    return False


@dataclass(frozen=True)
class InCallRetry:
    """Short retries inside one call (tenacity), for requests that are safe to repeat."""

    attempts: int
    multiplier: float
    max_wait: float
    on: tuple[type[Exception], ...]


#: Reads and media uploads inside a connector (never the call that publishes).
IN_CALL = InCallRetry(attempts=3, multiplier=0.2, max_wait=2.0,
                      on=(Unavailable, OutcomeUnknown))
#: Reconciliation's read-back of a platform.
READ_BACK = InCallRetry(attempts=3, multiplier=0.5, max_wait=4.0,
                        on=(RetryableError, OutcomeUnknown))

F = TypeVar("F", bound=Callable)


def in_call(policy: InCallRetry) -> Callable[[F], F]:
    """The tenacity decorator of an in-call policy; the last error is re-raised."""
    return retry(retry=retry_if_exception_type(policy.on),
                 stop=stop_after_attempt(policy.attempts),
                 wait=wait_exponential_jitter(multiplier=policy.multiplier,
                                              max=policy.max_wait),
                 reraise=True)
