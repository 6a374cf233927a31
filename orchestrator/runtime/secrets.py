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

from connectors.errors import ConfigError
from orchestrator.runtime.keys import fingerprint, is_fernet_key


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
        for key in ring:
            _check_format(key)
        self._ring, self._cipher = list(ring), None

    @property
    def _fernet(self):
        """The cipher, built on first use: a command that seals or opens nothing (a
        listing) does not load the cryptography library."""
        if self._cipher is None:
            from cryptography.fernet import Fernet, MultiFernet

            self._cipher = MultiFernet([Fernet(key) for key in self._ring])
        return self._cipher

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
        from cryptography.fernet import InvalidToken

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


def _check_format(key: bytes) -> None:
    if not is_fernet_key(key):
        raise ConfigError("SIARAN_SECRET_KEY is not a valid Fernet key")
