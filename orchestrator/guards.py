"""Guards shared by every worker through Redis: posting windows, cool-downs, circuits.

* **Posting window** — a sliding log per channel and limit (a sorted set of timestamps);
  a publish takes a slot atomically, and gives it back if the claim then fails.
* **Cool-down** — when a platform says "wait until T" (429 reset headers, retry_after),
  every worker leaves that channel alone until T.
* **Circuit** — after ``CIRCUIT_FAILURES`` consecutive ``Unavailable`` answers within
  ``CIRCUIT_WINDOW`` seconds the channel's circuit opens for ``CIRCUIT_OPEN`` seconds:
  deliveries wait instead of each burning their retries against a dead host.

A delivery turned away by a guard is deferred (``retry_wait``) without a request and without
spending its retry budget.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import redis

from orchestrator.domain.limits import RateLimit

CIRCUIT_FAILURES = 5
CIRCUIT_WINDOW = 60
CIRCUIT_OPEN = 30

# KEYS: one sorted set per limit. ARGV: now, member, then (count, seconds) per key.
# Takes a slot in every window or in none; returns 0, or the seconds until a slot frees.
_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[1 + 2 * i])
  local seconds = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  if redis.call('ZCARD', key) >= count then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + seconds - now)
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('EXPIRE', key, tonumber(ARGV[2 + 2 * i]) + 1)
end
return '0'
"""


@dataclass
class Admission:
    """The outcome of asking the guards: go now, or wait ``wait`` seconds."""

    wait: float = 0.0
    reason: str = ""
    slots: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.wait <= 0


class Guards:
    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.client = client
        self.ns = namespace
        self._take = client.register_script(_TAKE)

    def _key(self, kind: str, channel_id: int, *extra: object) -> str:
        return ":".join([self.ns, kind, str(channel_id), *map(str, extra)])

    def admit(self, channel_id: int, limits: tuple[RateLimit, ...]) -> Admission:
        """May this channel publish now? Takes a posting slot when it may."""
        now = time.time()
        cooling, circuit = self.client.mget(self._key("cooldown", channel_id),
                                            self._key("circuit", channel_id))
        if cooling and float(cooling) > now:
            return Admission(float(cooling) - now, "platform asked to wait")
        if circuit:
            ttl = self.client.pttl(self._key("circuit", channel_id))
            return Admission(max(ttl, 1000) / 1000, "circuit open after repeated outages")
        if not limits:
            return Admission()
        keys = [self._key("window", channel_id, limit.seconds) for limit in limits]
        member = f"{now:.6f}-{uuid.uuid4().hex[:8]}"
        args: list[object] = [now, member]
        for limit in limits:
            args += [limit.count, limit.seconds]
        wait = float(self._take(keys=keys, args=args))
        if wait > 0:
            return Admission(wait, "posting limit of the channel reached")
        return Admission(slots=[(k, member) for k in keys])

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
        pipe.expire(key, CIRCUIT_WINDOW)
        failures = pipe.execute()[0]
        if failures >= CIRCUIT_FAILURES:
            self.client.delete(key)
            return bool(self.client.set(self._key("circuit", channel_id), "1",
                                        ex=CIRCUIT_OPEN, nx=True))
        return False

    def success(self, channel_id: int) -> None:
        self.client.delete(self._key("failures", channel_id))
