"""Everything the sandbox remembers: accounts, posts, the request log, faults, a clock.

All methods are thread-safe; the server answers many clients at once.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.sandbox.accounts import account_id, validate_accounts
from connectors.sandbox.faults import FaultRule

LOG_LIMIT = 200_000
#: How long a used OAuth nonce is remembered (X refuses timestamps older than this anyway).
NONCE_MEMORY = 15 * 60


@dataclass
class StoredPost:
    """A post an account holds on a platform."""

    platform: str
    account: str
    id: str
    text: str
    time: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoggedRequest:
    """One request the sandbox received and what it did with it."""

    method: str
    path: str
    platform: str
    account: str | None
    status: int
    time: float
    outcome: str = "answered"  # answered | hung | dropped

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SandboxState:
    """The sandbox's memory."""

    def __init__(self, accounts: dict[str, list[dict]] | None = None) -> None:
        self._lock = threading.RLock()
        self._accounts: dict[str, list[dict]] = {}
        self._posts: dict[tuple[str, str], list[StoredPost]] = {}
        self._texts: dict[tuple[str, str], set[str]] = {}
        self._by_id: dict[tuple[str, str], StoredPost] = {}
        self._log: deque[LoggedRequest] = deque(maxlen=LOG_LIMIT)
        self._faults: list[FaultRule] = []
        self._fault_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._offset = 0.0
        self._windows: dict[tuple, tuple[float, int]] = {}
        self._rolling: dict[tuple, deque[float]] = {}
        self._nonces: dict[tuple, float] = {}
        self._objects: dict[tuple[str, str], dict[str, Any]] = {}
        self._object_seq = itertools.count(1)
        self.wake = threading.Event()
        self.generation = 0
        self.add_accounts(accounts or {})

    # clock ---------------------------------------------------------------------------
    def now(self) -> float:
        """Sandbox time (epoch seconds), wall clock plus any offset."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move sandbox time forward (or back)."""
        with self._lock:
            self._offset += seconds

    def hit(self, key: tuple, window: float) -> tuple[int, float]:
        """Count a request in a fixed window; returns (count so far, window end)."""
        with self._lock:
            now = self.now()
            start, count = self._windows.get(key, (now, 0))
            if now >= start + window:
                start, count = now, 0
            self._windows[key] = (start, count + 1)
            return count + 1, start + window

    def rolling(self, key: tuple, window: float, limit: int, *, take: bool = True
                ) -> tuple[int, float]:
        """A rolling-window quota: (used in the window, when the oldest use leaves it).

        With ``take``, one use is counted unless the window is already full.
        """
        with self._lock:
            now = self.now()
            uses = self._rolling.setdefault(key, deque())
            while uses and uses[0] <= now - window:
                uses.popleft()
            if take and len(uses) < limit:
                uses.append(now)
            return len(uses), (uses[0] + window if uses else now + window)

    def use_nonce(self, key: tuple) -> bool:
        """Record an OAuth nonce; False when it was already used."""
        with self._lock:
            now = time.time()
            if len(self._nonces) > 100_000:
                self._nonces = {k: t for k, t in self._nonces.items()
                                if t > now - NONCE_MEMORY}
            if key in self._nonces:
                return False
            self._nonces[key] = now
            return True

    # objects (media, containers, uploads) ------------------------------------------
    def new_object(self, platform: str, make_id: Callable[[int], str], **fields: Any
                   ) -> dict[str, Any]:
        """Store a platform object (a media upload, a container) under a fresh id."""
        with self._lock:
            obj = {"id": make_id(next(self._object_seq)), "created": self.now(), **fields}
            self._objects[(platform, obj["id"])] = obj
            return obj

    def get_object(self, platform: str, object_id: str) -> dict[str, Any] | None:
        """The live object (mutate it only under :meth:`locked`)."""
        with self._lock:
            return self._objects.get((platform, object_id))

    def objects(self, platform: str) -> list[dict[str, Any]]:
        """The live objects of ``platform``, oldest first."""
        with self._lock:
            return [o for (p, _), o in self._objects.items() if p == platform]

    def locked(self) -> threading.RLock:
        """The state lock, for read-modify-write of an object."""
        return self._lock

    # accounts ------------------------------------------------------------------------
    def add_accounts(self, accounts: dict[str, list[dict]]) -> None:
        """Add accounts; one with an existing id replaces the old one."""
        clean = validate_accounts(accounts)
        with self._lock:
            for platform, items in clean.items():
                current = self._accounts.setdefault(platform, [])
                for item in items:
                    key = account_id(platform, item)
                    current[:] = [a for a in current if not key or account_id(platform, a) != key]
                    current.append(item)

    def accounts(self, platform: str | None = None) -> dict[str, list[dict]]:
        """A copy of the accounts (of one platform, or all)."""
        with self._lock:
            return {p: [dict(a) for a in items] for p, items in self._accounts.items()
                    if platform is None or p == platform}

    def find_account(self, platform: str, match: Callable[[dict], bool]) -> dict | None:
        """The first account of ``platform`` for which ``match`` is true."""
        with self._lock:
            return next((a for a in self._accounts.get(platform, []) if match(a)), None)

    # posts ---------------------------------------------------------------------------
    def store_post(
        self,
        platform: str,
        account: str,
        text: str,
        *,
        make_id: Callable[[int], str],
        unique: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> StoredPost | None:
        """Store a post; with ``unique``, None if the account already holds that text."""
        key = (platform, account)
        with self._lock:
            texts = self._texts.setdefault(key, set())
            if unique and text in texts:
                return None
            post = StoredPost(platform, account, make_id(next(self._seq)), text, self.now(),
                              dict(extra or {}))
            texts.add(text)
            self._posts.setdefault(key, []).append(post)
            self._by_id[(platform, post.id)] = post
            return post

    def posts(self, platform: str | None = None, account: str | None = None) -> list[StoredPost]:
        """Stored posts, oldest first, optionally of one platform and account."""
        with self._lock:
            return [p for (plat, acct), items in self._posts.items()
                    if (platform is None or plat == platform)
                    and (account is None or acct == str(account))
                    for p in items]

    def get_post(self, platform: str, post_id: str) -> StoredPost | None:
        with self._lock:
            return self._by_id.get((platform, post_id))

    # request log ---------------------------------------------------------------------
    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def requests(self, platform: str | None = None, account: str | None = None
                 ) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self._log
                    if (platform is None or r.platform == platform)
                    and (account is None or r.account == str(account))]

    # faults --------------------------------------------------------------------------
    def add_fault(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            rule.id = next(self._fault_ids)
            self._faults.append(rule)
            return rule

    def faults(self) -> list[FaultRule]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self, fault_id: int | None = None) -> int:
        """Remove one rule (by id) or all; returns how many were removed."""
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if fault_id is not None and f.id != fault_id]
            return before - len(self._faults)

    def take_fault(self, platform: str, account: str | None, method: str, path: str
                   ) -> FaultRule | None:
        """The first rule matching this request, counting the hit."""
        with self._lock:
            for rule in self._faults:
                if rule.matches(platform, account, method, path):
                    rule.hits += 1
                    if rule.spent:
                        self._faults.remove(rule)
                    return rule
        return None

    # reset ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget posts, the log, faults and the clock offset; release waiting requests.

        Requests still waiting on a ``latency`` fault are dropped rather than served into
        the fresh state.
        """
        with self._lock:
            self._posts.clear()
            self._texts.clear()
            self._by_id.clear()
            self._log.clear()
            self._faults.clear()
            self._offset = 0.0
            self._windows.clear()
            self._rolling.clear()
            self._nonces.clear()
            self._objects.clear()
            self.generation += 1
            self.wake.set()
            self.wake = threading.Event()
