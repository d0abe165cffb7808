"""The task cache with several processes on one PostgreSQL database: two caches with their
own connection pools, then two real ``chorus serve`` processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chorus.config import Settings
from task_cache_checks import (
    CountingDatabase,
    check_batches_read_only_what_expired,
    check_concurrent_readers_share_one_read,
    check_finished_elsewhere_is_seen,
    check_unfinished_snapshots_expire,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pair(pg_url: str, tmp_path: Path) -> Iterator[tuple[CountingDatabase, CountingDatabase]]:
    settings = Settings(database_url=pg_url, data_dir=tmp_path)
    a, b = CountingDatabase(settings), CountingDatabase(settings)
    try:
        yield a, b
    finally:
        a.dispose()
        b.dispose()


async def test_unfinished_snapshots_expire(pair: tuple[CountingDatabase, CountingDatabase]) -> None:
    await check_unfinished_snapshots_expire(*pair)


async def test_batches_read_only_what_expired(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    await check_batches_read_only_what_expired(*pair)


async def test_concurrent_readers_share_one_read(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    await check_concurrent_readers_share_one_read(*pair)


def test_two_servers_see_a_task_finished_by_the_other(
    make_pg_database: Callable[..., str], tmp_path: Path
) -> None:
    # A database of its own: on the session's, the servers would first take up what
    # other tests left unfinished there (a process killed mid-task) before this task.
    check_finished_elsewhere_is_seen(tmp_path, make_pg_database())
