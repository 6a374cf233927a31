"""Engine, transactions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from connectors.errors import ConfigError
from orchestrator.store.private import DIR_MODE, narrow_existing, touch_private
from orchestrator.store.writer_lock import WriterLock

__all__ = ["Connection", "Database", "masked_url"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The files SQLite keeps beside a database (write-ahead log, shared memory, journal).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class Database:
    """One database. ``read()`` and ``write()`` give a connection inside a transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._writers = _writer_lock(self.engine) if self.is_sqlite else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction that only reads."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that writes; on SQLite it takes the write lock up front."""
        with self._writers, self.engine.connect() as conn:
            conn = conn.execution_options(siaran_write=True)
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        from alembic import command  # imported here: it is slow and rarely needed
        from alembic.config import Config

        with self.engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def is_initialised(self) -> bool:
        """True once the schema exists."""
        return inspect(self.engine).has_table("alembic_version")

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)

    def dispose(self) -> None:
        self.engine.dispose()
        if isinstance(self._writers, WriterLock):
            self._writers.close()


def _writer_lock(engine: Engine) -> WriterLock:
    """Writers queue on a lock file beside the database (none for an in-memory one)."""
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return WriterLock(None)
    return WriterLock(Path(path).with_name(Path(path).name + "-writer.lock"))


def masked_url(url: str) -> str:
    """A database URL fit for a message: its password, however written, is hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparseable: hide everything between :// and @
        return _USERINFO.sub(r"\1***@", url)


_USERINFO = re.compile(r"(://)[^/?#]*@")


def _make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"SIARAN_DATABASE_URL is not a database URL: "
                          f"{masked_url(url)!r}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # hide_parameters: an error's message never carries the values bound to a statement.
    return create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True,
                         hide_parameters=True)


def _private_sqlite_files(path: str | None) -> None:
    """The database file and its companions are 0600 whatever the umask: SQLite gives the
    companions it creates the database file's mode, so the file is made first."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    database = Path(path)
    database.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    touch_private(database)
    for suffix in SQLITE_COMPANIONS:
        narrow_existing(database.with_name(database.name + suffix))


def _sqlite_engine(url: str, path: str | None) -> Engine:
    _private_sqlite_files(path)
    engine = create_engine(url, pool_size=20, max_overflow=60, connect_args={"timeout": 30},
                           hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("siaran_write")
        # Straight to the driver: one statement, none of the execution machinery around it.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
