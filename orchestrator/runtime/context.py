"""What every operation needs: settings, the database, the credential box, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from connectors.errors import ConfigError
from orchestrator.domain.actor import Actor
from orchestrator.runtime.config import Settings
from orchestrator.runtime.installation import open_box, prepare_data_dir
from orchestrator.runtime.secrets import CredentialBox
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


def open_context(settings: Settings) -> Context:
    """Connect to the configured database; refuse if ``siaran init`` has not run, or if
    the secret key is missing or is not the one the database's credentials are sealed
    with."""
    prepare_data_dir(settings)
    db = Database(settings.database_url)
    try:
        if not db.is_initialised():
            raise ConfigError("the database has no schema yet: run `siaran init` first")
        if not db.has_table("installation"):
            raise ConfigError("the database's schema is older than this version of Siaran: "
                              "run `siaran init` to apply the migrations")
        box = open_box(settings, db)
    except BaseException:
        db.dispose()
        raise
    return Context(settings=settings, db=db, box=box)
