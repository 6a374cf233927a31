"""Guards shared by every worker through Redis: the embargo, posting windows, cool-downs,
circuits, and the requests in flight.

* **Posting window** — a sliding log per channel and limit (a sorted set of timestamps);
  a publish takes a slot atomically, and gives it back if the claim then fails.
* **Cool-down** — when a platform says "wait until T" (429 reset headers, retry_after),
  every worker leaves that channel alone until T.
* **Circuit** — after ``CIRCUIT.failures`` consecutive ``Unavailable`` answers within
  ``CIRCUIT.window`` seconds the channel's circuit opens for ``CIRCUIT.open`` seconds:
  deliveries wait instead of each burning their retries against a dead host.

* **Embargo** — while the flag ``<namespace>:embargo`` is set, nothing is admitted (but a
  delivery an admin sent through the embargo on purpose). The flag mirrors the embargo row
  in the database, which the claim also checks; the scheduler sets it again every tick, so
  a Redis that restarted empty has it back within a tick.
* **In flight** — every admitted delivery is in the sorted set ``<namespace>:inflight``
  (scored by the time its request must be over) until the worker has recorded its outcome.
  The admission that checks the flag adds it in the same script, so once the flag is set,
  waiting for the set to empty (:meth:`Guards.drain`) means no request is under way and
  none will start: ``siaran pause --all`` returns only then.

The numbers, what a rate limit or an outage tells the guards, and what happens to a
delivery they turn away are the retry policy's (:mod:`connectors.retry`): it is deferred
(``retry_wait``) without a request and without spending its retry budget, for a capped wait
and, in total, no longer than the rate-limit horizon.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from connectors.retry import CIRCUIT
from orchestrator.domain.limits import RateLimit

#: What a delivery the embargo flag turned away shows while it waits to be held.
EMBARGO_REASON = "embargo in force"
#: Seconds before a delivery the embargo flag turned away is claimed again (and then held
#: by the claim, which reads the embargo row, or sent if the embargo is over).
EMBARGO_RECHECK = 1.0
#: Seconds an admitted request may stay in flight when the owner does not say otherwise.
IN_FLIGHT_TTL = 300.0

# KEYS: cool-down, circuit, failure counter, embargo flag, in-flight set, then one sorted
# set per posting limit. ARGV: now, member, override ("1": pass an embargo), in-flight
# member ("" for none), in-flight deadline, then (count, seconds) per window. One round trip
# per delivery: returns {wait, reason, failures}; reason 1 = cool-down, 2 = circuit,
# 3 = posting limit, 4 = embargo. A slot is taken in every window or in none; an admitted
# delivery is in flight from this moment.
_ADMIT = """
local now = tonumber(ARGV[1])
local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then
  return {ARGV[6], 4, failures}
end
local cooling = tonumber(redis.call('GET', KEYS[1]) or '0')
if cooling > now then return {tostring(cooling - now), 1, failures} end
local circuit = redis.call('PTTL', KEYS[2])
if circuit ~= -2 then return {tostring(math.max(circuit, 1000) / 1000), 2, failures} end
local wait = 0
for i = 6, #KEYS do
  local count = tonumber(ARGV[2 * i - 5])
  local seconds = tonumber(ARGV[2 * i - 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - seconds)
  if redis.call('ZCARD', KEYS[i]) >= count then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + seconds - now)
  end
end
if wait > 0 then return {tostring(wait), 3, failures} end
for i = 6, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2 * i - 4]) + 1)
end
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[5], ARGV[5], ARGV[4]) end
return {'0', 0, failures}
"""
# KEYS: embargo flag. ARGV: embargo ids. Deletes the flag if it carries one of them.
_CLEAR = """
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local id = string.match(value, '^[^\t]*')
for i = 1, #ARGV do
  if ARGV[i] == id then return redis.call('DEL', KEYS[1]) end
end
return 0
"""
_REASONS = {1: "platform asked to wait", 2: "circuit open after repeated outages",
            3: "posting limit of the channel reached", 4: EMBARGO_REASON}


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
    def __init__(self, client: redis.Redis, namespace: str,
                 in_flight_ttl: float = IN_FLIGHT_TTL) -> None:
        self.client = client
        self.ns = namespace
        self.in_flight_ttl = in_flight_ttl
        self.embargo_key = f"{namespace}:embargo"
        self.in_flight_key = f"{namespace}:inflight"
        self._admit = client.register_script(_ADMIT)
        self._clear = client.register_script(_CLEAR)

    def _key(self, kind: str, channel_id: int, *extra: object) -> str:
        return ":".join([self.ns, kind, str(channel_id), *map(str, extra)])

    def admit(self, channel_id: int, limits: tuple[RateLimit, ...], *,
              delivery_id: int | None = None, override_embargo: bool = False) -> Admission:
        """May this channel publish now? Takes a posting slot when it may, and counts
        ``delivery_id`` in flight until :meth:`finished`."""
        now = time.time()
        keys = [self._key("cooldown", channel_id), self._key("circuit", channel_id),
                self._key("failures", channel_id), self.embargo_key, self.in_flight_key]
        keys += [self._key("window", channel_id, limit.seconds) for limit in limits]
        member = f"{now:.6f}-{uuid.uuid4().hex[:8]}"
        args: list[object] = [now, member, "1" if override_embargo else "0",
                              "" if delivery_id is None else str(delivery_id),
                              now + self.in_flight_ttl, EMBARGO_RECHECK]
        for limit in limits:
            args += [limit.count, limit.seconds]
        wait, reason, failures = self._admit(keys=keys, args=args)
        if reason:
            return Admission(float(wait), _REASONS[int(reason)], failures=int(failures))
        return Admission(slots=[(k, member) for k in keys[5:]], failures=int(failures))

    def window_usage(self, channel_id: int, limits: tuple[RateLimit, ...]) -> list[int]:
        """How many slots of each posting window the channel has used (publications
        admitted within the last ``limit.seconds``), in the order of ``limits``. Reads
        only: nothing is taken or trimmed."""
        if not limits:
            return []
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        for limit in limits:
            pipe.zcount(self._key("window", channel_id, limit.seconds),
                        f"({now - limit.seconds}", "+inf")
        return [int(used) for used in pipe.execute()]

    def finished(self, delivery_id: int) -> None:
        """The admitted request of ``delivery_id`` is over and its outcome recorded."""
        self.client.zrem(self.in_flight_key, str(delivery_id))

    def in_flight(self) -> list[int]:
        """Deliveries admitted whose requests may still be under way (expired ones — a
        worker that died — are dropped)."""
        now = time.time()
        self.client.zremrangebyscore(self.in_flight_key, "-inf", now)
        return sorted(int(d) for d in self.client.zrange(self.in_flight_key, 0, -1))

    def drain(self, timeout: float, progress: Callable[[list[int]], object] | None = None,
              poll: float = 0.05) -> list[int]:
        """Wait until no request is in flight, at most ``timeout`` seconds; returns those
        still in flight then (empty when drained). ``progress`` hears of each change."""
        deadline = time.monotonic() + timeout
        shown: list[int] | None = None
        while True:
            left = self.in_flight()
            if left != shown and progress is not None:
                progress(left)
            shown = left
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(poll)

    def set_embargo(self, embargo_id: int, reason: str) -> None:
        """Nothing is admitted from now on (but deliveries sent through on purpose)."""
        self.client.set(self.embargo_key, f"{embargo_id}\t{reason}")

    def clear_embargo(self, embargo_ids: list[int]) -> bool:
        """Clear the flag if it is one of these embargoes' (so that a flag just set for
        another embargo is not cleared by someone acting on an older read); True if it
        was cleared."""
        return bool(self._clear(keys=[self.embargo_key],
                                args=[str(i) for i in embargo_ids]))

    def embargo(self) -> tuple[int, str] | None:
        """(embargo id, reason) of the flag; None when it is not set."""
        value = self.client.get(self.embargo_key)
        if value is None:
            return None
        embargo_id, _, reason = value.decode().partition("\t")
        return int(embargo_id), reason

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
