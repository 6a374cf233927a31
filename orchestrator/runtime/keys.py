"""The secret key ring: where the keys that seal credentials come from, and their
fingerprints.

The ring is ``SIARAN_SECRET_KEY`` (one Fernet key, or several separated by commas) or,
by default, the file ``secret.key`` in the data directory (one key a line, mode 0600). The
first key seals; every key opens (the older ones matter only while ``siaran keys rotate``
re-seals). Only ``siaran init`` creates the key file; no other command ever makes a key.
A fingerprint names a key without revealing it, so that the database can record which key
seals its credentials and every process can check its own against it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from connectors.errors import ConfigError
from orchestrator.runtime.config import Settings
from orchestrator.store.private import PrivateFileError, open_private, write_private

KEY_FILE = "secret.key"
_FINGERPRINT_LABEL = b"siaran secret key fingerprint\0"


def key_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / KEY_FILE


def source(settings: Settings) -> str:
    """Where the ring comes from, for messages."""
    return "SIARAN_SECRET_KEY" if settings.secret_key else str(key_path(settings))


def fingerprint(key: bytes) -> str:
    """16 hex digits naming ``key`` (a one-way hash: it tells nothing of the key)."""
    return hashlib.sha256(_FINGERPRINT_LABEL + key.strip()).hexdigest()[:16]


def load(settings: Settings) -> list[bytes] | None:
    """The key ring, newest key first; None when there is no key at all."""
    if settings.secret_key:
        return _checked(settings.secret_key.encode().split(b","), "SIARAN_SECRET_KEY")
    path = key_path(settings)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"cannot read the secret key {path}: {error.strerror}; it must "
                          "be a file readable by Siaran's user (mode 0600)") from None
    return _checked(raw.splitlines(), str(path))


def create(settings: Settings) -> list[bytes]:
    """Write a new key file (``siaran init`` only); refuses to replace an existing one."""
    path = key_path(settings)
    key = base64.urlsafe_b64encode(os.urandom(32))  # a Fernet key
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.unlink(missing_ok=True)
    fd = open_private(tmp, os.O_WRONLY | os.O_EXCL)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # fails if a key appeared meanwhile: that one is kept
    except FileExistsError:
        pass
    except OSError as error:
        raise PrivateFileError(path, str(error.strerror)) from None
    finally:
        tmp.unlink(missing_ok=True)
    found = load(settings)
    assert found is not None
    return found


def save(settings: Settings, ring: list[bytes]) -> None:
    """Replace the key file with ``ring`` (rotation); SIARAN_SECRET_KEY cannot be written."""
    if settings.secret_key:
        raise ConfigError("the key comes from SIARAN_SECRET_KEY, which Siaran cannot change")
    path = key_path(settings)
    try:
        write_private(path, b"".join(k + b"\n" for k in ring))
    except OSError as error:
        raise ConfigError(f"cannot write the secret key {path}: {error.strerror}") from None


def _checked(lines: list[bytes], where: str) -> list[bytes]:
    ring = [line.strip() for line in lines if line.strip()]
    if not ring:
        raise ConfigError(f"the secret key in {where} is empty")
    for number, key in enumerate(ring, 1):
        if not is_fernet_key(key):
            raise ConfigError(f"the secret key in {where} is not a valid Fernet key"
                              + (f" (key {number})" if len(ring) > 1 else ""))
    return ring


def is_fernet_key(key: bytes) -> bool:
    """32 bytes in URL-safe base64, checked without loading the cipher library."""
    try:
        return len(base64.urlsafe_b64decode(key)) == 32
    except (binascii.Error, ValueError, TypeError):
        return False
