"""Setting up an installation and checking it at every start.

``siaran init`` (:func:`initialise`) prepares the private data directory, applies the
migrations, creates the secret key when the installation is new, and records the key's
fingerprint in the database. Every other process opens its key ring with
:func:`open_box`: no key, or a key other than the one the database records, and it refuses
to start, saying what to restore, instead of failing deliveries one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.errors import ConfigError
from orchestrator.media import files as media_files
from orchestrator.runtime import embedded_redis, keys
from orchestrator.runtime.config import Settings
from orchestrator.runtime.secrets import CredentialBox, SealError
from orchestrator.store import channels as channel_rows
from orchestrator.store import installation as facts
from orchestrator.store.db import Database, masked_url
from orchestrator.store.private import narrow_existing, private_dir

#: Files in the data directory that only Siaran's user may read.
PRIVATE_FILES = (keys.KEY_FILE, *embedded_redis.FILES)


@dataclass(frozen=True)
class Installed:
    """What ``siaran init`` did."""

    database: str
    key_source: str
    fingerprint: str
    key_created: bool


def prepare_data_dir(settings: Settings) -> None:
    """The data directory 0700 and its files 0600 (narrowed if an older version or a wide
    umask left them wider); the media store in place."""
    private_dir(settings.data_dir)
    for name in PRIVATE_FILES:
        narrow_existing(settings.data_dir / name)
    media_files.prepare(settings.data_dir, settings.media_dir)


def initialise(settings: Settings) -> Installed:
    """Prepare the data directory, migrate, and create or check the secret key."""
    prepare_data_dir(settings)
    db = Database(settings.database_url)
    try:
        db.migrate()
        ring = keys.load(settings)
        created = False
        if ring is None:
            with db.read() as conn:
                recorded = facts.get(conn, facts.KEY_FINGERPRINT)
                sealed = channel_rows.every_sealed(conn)
            if recorded or sealed:
                raise missing_key(settings, recorded)
            ring, created = keys.create(settings), True
        box = CredentialBox(ring)
        check_key(db, box, settings)
        _fill_site_urls(db, box)
        return Installed(masked_url(settings.database_url), keys.source(settings),
                         box.fingerprint, created)
    finally:
        db.dispose()


def open_box(settings: Settings, db: Database) -> CredentialBox:
    """This process's credential box, checked against the database's record of the key."""
    ring = keys.load(settings)
    if ring is None:
        with db.read() as conn:
            raise missing_key(settings, facts.get(conn, facts.KEY_FINGERPRINT))
    box = CredentialBox(ring, reload=lambda: keys.load(settings))
    check_key(db, box, settings)
    return box


def check_key(db: Database, box: CredentialBox, settings: Settings) -> None:
    """Refuse a key ring without the key the database records. A database that records
    none yet (made before fingerprints were kept) records this ring's key once it has
    opened every channel's credentials."""
    with db.read() as conn:
        recorded = facts.get(conn, facts.KEY_FINGERPRINT)
    if recorded is None:
        with db.write() as conn:
            recorded = facts.get(conn, facts.KEY_FINGERPRINT)
            if recorded is None:
                _require_opens_all(conn, box, settings)
                facts.put(conn, facts.KEY_FINGERPRINT, box.fingerprint, datetime.now(UTC))
                return
    if recorded not in box.fingerprints:
        raise ConfigError(
            f"the secret key from {keys.source(settings)} (fingerprint {box.fingerprint}) is "
            f"not the key this database's credentials are sealed with (fingerprint "
            f"{recorded}): restore that key from the first installation's data directory or "
            "its backup, or set SIARAN_SECRET_KEY to it (docs/operations.md, secret key)")


def missing_key(settings: Settings, recorded: str | None) -> ConfigError:
    sealed_with = (f" (the database's credentials are sealed with the key whose fingerprint "
                   f"is {recorded})" if recorded else "")
    return ConfigError(
        f"no secret key: {keys.key_path(settings)} is missing. Restore it from the backup "
        f"of the data directory{sealed_with}, or set SIARAN_SECRET_KEY to it; a new "
        "installation creates its key with `siaran init`")


def _require_opens_all(conn, box: CredentialBox, settings: Settings) -> None:
    for channel, sealed in channel_rows.every_sealed(conn):
        try:
            box.open(sealed)
        except SealError:
            raise ConfigError(
                f"the secret key from {keys.source(settings)} does not open the credentials "
                f"of channel {channel.name}: restore the key they were sealed with") from None


def _fill_site_urls(db: Database, box: CredentialBox) -> None:
    """WordPress channels stored before the site URL was kept in the open get it now."""
    with db.write() as conn:
        for channel, sealed in channel_rows.every_sealed(conn):
            if channel.site_url is None and channel.platform == "wordpress":
                site = box.open(sealed).get("site_url")
                if site:
                    channel_rows.change(conn, channel.id, site_url=site)
