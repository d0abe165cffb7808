"""The database: engine, sessions, transactions and migrations.

Services take a :class:`~sqlalchemy.orm.Session` and never commit. Whoever opens the
session owns the transaction: the request dependency (:func:`Database.transaction`) or the
worker's job wrapper (:meth:`Database.run`). Work that must only start once the data is
durable (enqueuing a task) is registered with :func:`after_commit` and runs after the
commit succeeds.

SQLite is the default (WAL, so readers never wait for the writer). PostgreSQL
(``postgresql+psycopg://...``) is the scale-out path: the same tables and statements, with
the few places where SQLite's single writer lock did the serializing made explicit
(:func:`serialize`, ``FOR UPDATE [SKIP LOCKED]`` in the repositories, which SQLite ignores).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Engine, Integer, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from chorus.config import Settings

T = TypeVar("T")

_AFTER_COMMIT = "chorus.after_commit"


class Base(DeclarativeBase):
    """Base of every table."""


# A 64-bit integer column: BIGINT on PostgreSQL; SQLite's INTEGER is 64-bit already.
WIDE_INT = BigInteger().with_variant(Integer(), "sqlite")


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the transaction of ``session`` has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


# Keys of PostgreSQL's transaction-scoped advisory locks (any 64-bit numbers, fixed).
MIGRATIONS_LOCK = 0x63686F7275730001
ADMISSION_LOCK = 0x63686F7275730002


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def serialize(session: Session, lock: int) -> None:
    """Hold ``lock`` until the session's transaction ends, so transactions taking it run
    one after another from here on (across processes). PostgreSQL takes an advisory lock;
    SQLite needs nothing, as a transaction that has written already holds the one write
    lock of the database."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def _nul_free(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {name: _nul_free(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_nul_free(item) for item in value)
    return value


def _drop_nul(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    # PostgreSQL's text cannot hold NUL (SQLite's can): a NUL in a prompt, a title or an id
    # from the wire carries no meaning, so it is dropped rather than failing the request.
    return statement, _nul_free(parameters)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets fetches read while the worker writes; NORMAL sync is durable across
    # process crashes (only a power loss can lose the last commits).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """One engine and its session factory."""

    def __init__(self, settings: Settings) -> None:
        url = settings.effective_database_url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(self.engine, "connect", _set_sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
            if self.engine.dialect.name == "postgresql":
                event.listen(self.engine, "before_cursor_execute", _drop_nul, retval=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
            callbacks: list[Callable[[], None]] = session.info.pop(_AFTER_COMMIT, [])
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for callback in callbacks:
            callback()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction (blocking)."""
        with self.transaction() as session:
            return fn(session, *args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction on a thread, off the event loop."""
        return await asyncio.to_thread(self.call, fn, *args)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(files("chorus") / "migrations"))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Service processes starting together on one database migrate in turn.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": MIGRATIONS_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()
