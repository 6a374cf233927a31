"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<raw body>`` with the shared secret.

The sender puts the Unix time in ``X-Siaran-Timestamp`` and ``sha256=<hex>`` in
``X-Siaran-Signature``. A receiver recomputes the HMAC over the timestamp header, a dot and
the body bytes exactly as received, compares in constant time, and refuses a timestamp
further than its tolerance (five minutes) from its own clock: an old request replayed
carries an old timestamp, and changing it breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE = "X-Siaran-Signature"
TIMESTAMP = "X-Siaran-Timestamp"
EVENT = "X-Siaran-Event"
TOLERANCE = 300.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp.body`` under ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def headers(secret: str, body: bytes, now: float, event: str) -> dict[str, str]:
    """The headers of a signed webhook request sent at ``now`` (Unix seconds)."""
    stamp = str(int(now))
    return {"Content-Type": "application/json", TIMESTAMP: stamp, EVENT: event,
            SIGNATURE: signature(secret, stamp, body), "User-Agent": "siaran-alerts"}


def verify(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float,
           tolerance: float = TOLERANCE) -> bool:
    """True when ``given`` signs ``body`` at ``timestamp`` and the timestamp is fresh."""
    if not timestamp or not given or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
