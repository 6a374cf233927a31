"""What every operation needs: settings, the database, the credential box, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors.errors import ConfigError
from orchestrator.runtime.config import Settings
from orchestrator.runtime.secrets import CredentialBox, credential_box
from orchestrator.store.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """One process's handle on Siaran."""

    settings: Settings
    db: Database
    box: CredentialBox
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    @property
    def user(self) -> str:
        return self.settings.user


def open_context(settings: Settings, *, require_schema: bool = True) -> Context:
    """Connect to the configured database; refuse if ``siaran init`` has not run."""
    db = Database(settings.database_url)
    if require_schema and not db.is_initialised():
        db.dispose()
        raise ConfigError("the database has no schema yet: run `siaran init` first")
    return Context(settings=settings, db=db, box=credential_box(settings))
