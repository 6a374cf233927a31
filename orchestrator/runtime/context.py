"""What every operation needs: settings, the database, the credential box, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from connectors.errors import ConfigError
from orchestrator.domain.actor import Actor
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
    #: Who acts through this context; None: the configured user on the command line.
    actor: Actor | None = None

    def now(self) -> datetime:
        return self.clock()

    @property
    def user(self) -> Actor:
        """The acting user, carrying where they act from (see ``domain.actor``)."""
        return self.actor if self.actor is not None else Actor(self.settings.user)

    def acting_as(self, actor: Actor) -> Context:
        """The same handle, acting as ``actor`` (one HTTP request's context)."""
        return replace(self, actor=actor)


def open_context(settings: Settings, *, require_schema: bool = True) -> Context:
    """Connect to the configured database; refuse if ``siaran init`` has not run."""
    db = Database(settings.database_url)
    if require_schema and not db.is_initialised():
        db.dispose()
        raise ConfigError("the database has no schema yet: run `siaran init` first")
    return Context(settings=settings, db=db, box=credential_box(settings))
