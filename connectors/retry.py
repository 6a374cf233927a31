"""The one retry policy: when a failed delivery is tried again, and when Siaran gives up.

* Permanent errors and unknown outcomes are never retried here (unknown goes to
  reconciliation).
* ``Unavailable``: exponential backoff with full jitter, from ``base`` up to ``cap``
  seconds, until ``give_up_after`` seconds have passed since the first attempt.
* ``RateLimited``: wait until the platform's reset time (``retry_after``), plus a little
  jitter so that waiting workers do not stampede. Rate-limit waits do not spend the
  attempt budget, only the (longer) ``rate_limit_horizon``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from connectors.errors import PublishError, RateLimited, RetryableError


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 5.0
    cap: float = 300.0
    max_attempts: int = 8
    give_up_after: float = 1800.0
    rate_limit_horizon: float = 86400.0


DEFAULT = RetryPolicy()


def policy_for(platform: str, give_up: dict[str, float] | None = None) -> RetryPolicy:
    """The policy of a platform; ``give_up`` (from SIARAN_RETRY_GIVE_UP) sets its horizon."""
    if give_up and platform in give_up:
        return replace(DEFAULT, give_up_after=give_up[platform])
    return DEFAULT


def next_delay(error: PublishError, *, platform: str, attempt: int, elapsed: float,
               give_up: dict[str, float] | None = None,
               rng: random.Random | None = None) -> float | None:
    """Seconds to wait before the next try, or None to give up now.

    ``attempt`` counts the tries that spent the budget (rate-limit waits do not).
    """
    if not isinstance(error, RetryableError):
        return None
    policy = policy_for(platform, give_up)
    rng = rng or random
    if isinstance(error, RateLimited):
        wait = max(error.retry_after or policy.base, 1.0) + rng.uniform(0, 2)
        return wait if elapsed + wait <= policy.rate_limit_horizon else None
    if attempt >= policy.max_attempts:
        return None
    ceiling = min(policy.cap, policy.base * 2 ** (attempt - 1))
    wait = max(error.retry_after or 0.0, rng.uniform(policy.base / 2, ceiling))
    return wait if elapsed + wait <= policy.give_up_after else None
