"""Credentials encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key is ``SIARAN_SECRET_KEY`` or, by default, ``secret.key`` in the data directory,
created on first use with mode 0600. Losing the key means re-entering every credential.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from connectors.errors import ConfigError
from orchestrator.runtime.config import Settings

KEY_FILE = "secret.key"


class CredentialBox:
    """Seals and opens a channel's credential mapping."""

    def __init__(self, key: bytes | str) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError("SIARAN_SECRET_KEY is not a valid Fernet key") from None

    def seal(self, credentials: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(credentials).encode()).decode()

    def open(self, sealed: str) -> dict[str, str]:
        try:
            return json.loads(self._fernet.decrypt(sealed.encode()))
        except InvalidToken:
            raise ConfigError(
                "channel credentials cannot be decrypted with this secret key"
            ) from None


def credential_box(settings: Settings) -> CredentialBox:
    """The box for these settings, creating the key file on first use."""
    if settings.secret_key:
        return CredentialBox(settings.secret_key)
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new_key(path)
    return CredentialBox(path.read_bytes().strip())


def _write_new_key(path: Path) -> None:
    """Write a fresh key atomically, mode 0600; a concurrent writer's key wins."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
