"""Engine, transactions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from connectors.errors import ConfigError
from orchestrator.store.writer_lock import WriterLock

__all__ = ["Connection", "Database"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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


def _make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"SIARAN_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True)


def _sqlite_engine(url: str, path: str | None) -> Engine:
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_size=20, max_overflow=60, connect_args={"timeout": 30})

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
