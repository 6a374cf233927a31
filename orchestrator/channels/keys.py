"""Rotating the secret key: every channel's credentials (and every alert target's secret)
re-sealed under a new key.

With the key file (the default), rotation writes a new key in front of the old one, so
that every process can open both while it runs (``MultiFernet``); re-seals every channel
and records the new key's fingerprint in one transaction; then drops the old key from the
file. Running processes read the file again when they meet credentials their keys do not
open. With ``SIARAN_SECRET_KEY``, Siaran cannot write the key: the operator puts the new
key first (``NEW,OLD``), rotates, then removes the old one.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet

from connectors.errors import ConfigError
from connectors.wording import Said
from orchestrator.access.roles import act, authorize
from orchestrator.runtime import keys
from orchestrator.runtime.context import Context
from orchestrator.store import alert_targets
from orchestrator.store import channels as rows
from orchestrator.store import installation as facts


@dataclass(frozen=True)
class Rotated:
    previous: str
    fingerprint: str
    channels: int
    key_source: str


def describe(ctx: Context) -> dict:
    """Where the key comes from, its fingerprint, and the one the database records."""
    with ctx.db.read() as conn:
        recorded = facts.get(conn, facts.KEY_FINGERPRINT)
    return {"source": keys.source(ctx.settings), "fingerprint": ctx.box.fingerprint,
            "older_keys": ctx.box.fingerprints[1:], "database": recorded}


def rotate(ctx: Context) -> Rotated:
    """Re-seal every channel under a new key (admin only; audited)."""
    settings, box = ctx.settings, ctx.box
    with ctx.db.read() as conn:
        authorize(conn, ctx.user, "keys_rotate")
        previous = facts.get(conn, facts.KEY_FINGERPRINT) or box.fingerprint
    from_file = not settings.secret_key
    if from_file:
        ring = [Fernet.generate_key(), *box.ring]
        keys.save(settings, ring)  # old and new: every process can open both meanwhile
        box.replace_ring(ring)
    elif box.fingerprint == previous:
        raise ConfigError(Said(
            "the key comes from SIARAN_SECRET_KEY: put a new key in front of the current "
            "one (SIARAN_SECRET_KEY=NEW,OLD, on every machine) and run this again; a new "
            "key: python3 -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"))
    now = ctx.now()
    with ctx.db.write() as conn:
        sealed = rows.every_sealed(conn)
        for channel, credentials in sealed:
            rows.change(conn, channel.id, credentials=box.reseal(credentials))
        # Alert targets' secrets are sealed by the same box.
        for target_id, secret in alert_targets.sealed_secrets(conn).items():
            alert_targets.set_secret(conn, target_id, box.reseal(secret))
        facts.put(conn, facts.KEY_FINGERPRINT, box.fingerprint, now)
        act(conn, user=ctx.user, action="keys_rotate", entity="installation", entity_id=0,
            now=now, previous=previous, fingerprint=box.fingerprint, channels=len(sealed))
    if from_file:
        keys.save(settings, box.ring[:1])
        box.replace_ring(box.ring[:1])
    return Rotated(previous, box.fingerprint, len(sealed), keys.source(settings))
