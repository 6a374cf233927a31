"""What every operation needs: settings, the database, the credential box, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from connectors.errors import ConfigError
from orchestrator.runtime.config import Settings
from orchestrator.store.db import Database

if TYPE_CHECKING:
    from orchestrator.runtime.secrets import CredentialBox


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


class LazyBox:
    """The credential box, opened on first use: commands that never seal or open a
    credential (listings) neither load the cipher nor touch the key file."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._box: CredentialBox | None = None

    def __getattr__(self, name: str):
        if self._box is None:
            from orchestrator.runtime.secrets import credential_box

            self._box = credential_box(self._settings)
        return getattr(self._box, name)


def open_context(settings: Settings, *, require_schema: bool = True) -> Context:
    """Connect to the configured database; refuse if ``siaran init`` has not run."""
    db = Database(settings.database_url)
    if require_schema and not db.is_initialised():
        db.dispose()
        raise ConfigError("the database has no schema yet: run `siaran init` first")
    return Context(settings=settings, db=db, box=LazyBox(settings))  # type: ignore[arg-type]
