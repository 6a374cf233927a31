"""Failed authentications, counted per client address and per user name.

After ``limit`` failures within ``window`` seconds, that address (or user name) is refused
until the oldest of them is ``window`` old, whatever it sends: so a correct guess cannot be
told from a wrong one. Counts live in the web process (one uvicorn worker by default).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

#: Keys tracked at most; the oldest are forgotten first beyond this.
MAX_KEYS = 100_000


class FailureLimiter:
    """Sliding-window counts of failures per key."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until the first refused key is free again; 0 when none is refused."""
        now = self.clock()
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if times is not None and len(times) >= self.limit:
                    longest = max(longest, times[0] + self.window - now)
        return longest

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if times is None:
                    if len(self._failures) >= MAX_KEYS:
                        self._failures.pop(next(iter(self._failures)))
                    times = self._failures[key] = deque()
                times.append(now)
                while len(times) > self.limit:
                    times.popleft()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times
