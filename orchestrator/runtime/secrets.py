"""Credentials encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

A :class:`CredentialBox` holds the key ring of :mod:`orchestrator.runtime.keys`: it seals
with the newest key and opens with any (``MultiFernet``). When it meets credentials that
none of its keys opens, it reads the ring again once (``siaran keys rotate`` may have
re-sealed them under a new key while this process ran) before it gives up.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connectors.errors import ConfigError
from orchestrator.runtime.keys import fingerprint


class SealError(ConfigError):
    """Credentials that none of this process's keys opens."""


class CredentialBox:
    """Seals and opens a channel's credential mapping."""

    def __init__(self, ring: list[bytes] | bytes | str,
                 reload: Callable[[], list[bytes] | None] | None = None) -> None:
        self._reload = reload
        self._lock = threading.Lock()
        self._use(ring if isinstance(ring, list) else [_bytes(ring)])

    def _use(self, ring: list[bytes]) -> None:
        try:
            fernet = MultiFernet([Fernet(key) for key in ring])
        except (ValueError, TypeError):
            raise ConfigError("SIARAN_SECRET_KEY is not a valid Fernet key") from None
        self._ring, self._fernet = list(ring), fernet

    @property
    def ring(self) -> list[bytes]:
        """The keys, newest (sealing) first."""
        return list(self._ring)

    @property
    def fingerprints(self) -> list[str]:
        return [fingerprint(k) for k in self._ring]

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the key that seals."""
        return fingerprint(self._ring[0])

    def replace_ring(self, ring: list[bytes]) -> None:
        with self._lock:
            self._use(ring)

    def seal(self, credentials: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(credentials).encode()).decode()

    def open(self, sealed: str) -> dict[str, str]:
        return json.loads(self._decrypt(sealed.encode()))

    def reseal(self, sealed: str) -> str:
        """The same credentials sealed under the newest key."""
        self._decrypt(sealed.encode())  # the ring read again if need be
        return self._fernet.rotate(sealed.encode()).decode()

    def _decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            pass
        if self._reload is not None:
            with self._lock:
                try:
                    fresh = self._reload()
                except ConfigError:  # the file is gone or unreadable: nothing new to try
                    fresh = None
                if fresh and fresh != self._ring:
                    self._use(fresh)
            try:
                return self._fernet.decrypt(token)
            except InvalidToken:
                pass
        raise SealError("channel credentials cannot be decrypted with this secret key "
                        f"(fingerprint {self.fingerprint})")


def _bytes(key: bytes | str) -> bytes:
    return key.encode() if isinstance(key, str) else key
