"""The real PostgreSQL server on 127.0.0.1:5432 (``scripts/services`` starts it): one fresh
database per test session, migrated, dropped at the end. Unreachable: the tests skip."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from chorus.config import Settings
from chorus.db import Database

HOST = os.environ.get("CHORUS_TEST_PG_HOST", "127.0.0.1")
PORT = int(os.environ.get("CHORUS_TEST_PG_PORT", "5432"))
# Trust authentication: the first of these roles the server knows is used.
USERS = ("root", "postgres")
MAINTENANCE_DBS = ("test", "postgres")


def _admin_connection() -> tuple[psycopg.Connection[tuple[object, ...]], str]:
    """An autocommit connection (CREATE DATABASE cannot run in a transaction) and its
    user; skips the test when no server answers."""
    errors = []
    for user in USERS:
        for dbname in MAINTENANCE_DBS:
            try:
                conn = psycopg.connect(
                    host=HOST, port=PORT, user=user, dbname=dbname, connect_timeout=3,
                    autocommit=True,
                )  # fmt: skip
            except psycopg.OperationalError as exc:
                errors.append(f"{user}@{dbname}: {str(exc).strip().splitlines()[0]}")
                continue
            return conn, user
    pytest.skip(
        f"PostgreSQL at {HOST}:{PORT} is not reachable ({'; '.join(errors)}); "
        "scripts/services starts it"
    )


@pytest.fixture(scope="session")
def make_pg_database() -> Iterator[Callable[..., str]]:
    """Creates fresh databases ``chorus_test_<random>`` (their SQLAlchemy URLs), migrated
    unless ``migrate=False``; all are dropped when the session ends."""
    admin, user = _admin_connection()
    names: list[str] = []

    def make(migrate: bool = True) -> str:
        name = f"chorus_test_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        url = f"postgresql+psycopg://{user}@{HOST}:{PORT}/{name}"
        if not migrate:
            return url
        db = Database(Settings(database_url=url))
        try:
            db.migrate()
        finally:
            db.dispose()
        return url

    try:
        yield make
    finally:
        for name in names:
            # FORCE: a server a failed test left behind must not keep the database alive.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def pg_url(make_pg_database: Callable[..., str]) -> str:
    """The session's database."""
    return make_pg_database()


@pytest.fixture
def pg_db(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A :class:`Database` on the session's PostgreSQL database."""
    db = Database(Settings(database_url=pg_url, data_dir=tmp_path_factory.mktemp("pg-media")))
    try:
        yield db
    finally:
        db.dispose()
