"""Guards shared by every worker through Redis: posting windows, cool-downs, circuits.

* **Posting window** — a sliding log per channel and limit (a sorted set of timestamps);
  a publish takes a slot atomically, and gives it back if the claim then fails.
* **Cool-down** — when a platform says "wait until T" (429 reset headers, retry_after),
  every worker leaves that channel alone until T.
* **Circuit** — after ``CIRCUIT.failures`` consecutive ``Unavailable`` answers within
  ``CIRCUIT.window`` seconds the channel's circuit opens for ``CIRCUIT.open`` seconds:
  deliveries wait instead of each burning their retries against a dead host.

The numbers, what a rate limit or an outage tells the guards, and what happens to a
delivery they turn away are the retry policy's (:mod:`connectors.retry`): it is deferred
(``retry_wait``) without a request and without spending its retry budget, for a capped wait
and, in total, no longer than the rate-limit horizon.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import redis

from connectors.retry import CIRCUIT
from orchestrator.domain.limits import RateLimit

# KEYS: cool-down, circuit, failure counter, then one sorted set per posting limit.
# ARGV: now, member, then (count, seconds) per window. One round trip per delivery:
# returns {wait, reason, failures}; reason 1 = cool-down, 2 = circuit, 3 = posting limit.
# A slot is taken in every window or in none.
_ADMIT = """
local now = tonumber(ARGV[1])
local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
local cooling = tonumber(redis.call('GET', KEYS[1]) or '0')
if cooling > now then return {tostring(cooling - now), 1, failures} end
local circuit = redis.call('PTTL', KEYS[2])
if circuit ~= -2 then return {tostring(math.max(circuit, 1000) / 1000), 2, failures} end
local wait = 0
for i = 4, #KEYS do
  local count = tonumber(ARGV[2 * i - 5])
  local seconds = tonumber(ARGV[2 * i - 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - seconds)
  if redis.call('ZCARD', KEYS[i]) >= count then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + seconds - now)
  end
end
if wait > 0 then return {tostring(wait), 3, failures} end
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2 * i - 4]) + 1)
end
return {'0', 0, failures}
"""
_REASONS = {1: "platform asked to wait", 2: "circuit open after repeated outages",
            3: "posting limit of the channel reached"}


@dataclass
class Admission:
    """The outcome of asking the guards: go now, or wait ``wait`` seconds."""

    wait: float = 0.0
    reason: str = ""
    slots: list[tuple[str, str]] = field(default_factory=list)
    #: Consecutive outages counted for the channel when it was admitted.
    failures: int = 0

    @property
    def ok(self) -> bool:
        return self.wait <= 0


class Guards:
    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.client = client
        self.ns = namespace
        self._admit = client.register_script(_ADMIT)

    def _key(self, kind: str, channel_id: int, *extra: object) -> str:
        return ":".join([self.ns, kind, str(channel_id), *map(str, extra)])

    def admit(self, channel_id: int, limits: tuple[RateLimit, ...]) -> Admission:
        """May this channel publish now? Takes a posting slot when it may."""
        now = time.time()
        keys = [self._key("cooldown", channel_id), self._key("circuit", channel_id),
                self._key("failures", channel_id)]
        keys += [self._key("window", channel_id, limit.seconds) for limit in limits]
        member = f"{now:.6f}-{uuid.uuid4().hex[:8]}"
        args: list[object] = [now, member]
        for limit in limits:
            args += [limit.count, limit.seconds]
        wait, reason, failures = self._admit(keys=keys, args=args)
        if reason:
            return Admission(float(wait), _REASONS[int(reason)], failures=int(failures))
        return Admission(slots=[(k, member) for k in keys[3:]], failures=int(failures))

    def release(self, admission: Admission) -> None:
        """Give back the slots of an admission that was not used."""
        for key, member in admission.slots:
            self.client.zrem(key, member)

    def cool_down(self, channel_id: int, seconds: float) -> None:
        """Nobody publishes to this channel for ``seconds``."""
        until = time.time() + seconds
        key = self._key("cooldown", channel_id)
        current = self.client.get(key)
        if current is None or float(current) < until:
            self.client.set(key, f"{until:.3f}", ex=max(1, int(seconds) + 1))

    def outage(self, channel_id: int) -> bool:
        """Count an ``Unavailable`` answer; True when this one opened the circuit."""
        key = self._key("failures", channel_id)
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, CIRCUIT.window)
        failures = pipe.execute()[0]
        if failures >= CIRCUIT.failures:
            self.client.delete(key)
            return bool(self.client.set(self._key("circuit", channel_id), "1",
                                        ex=CIRCUIT.open, nx=True))
        return False

    def success(self, channel_id: int, admission: Admission) -> None:
        """A publication went through: outages are no longer consecutive.

        Only when outages had been counted at admission, so a healthy channel costs no
        extra round trip."""
        if admission.failures:
            self.client.delete(self._key("failures", channel_id))
