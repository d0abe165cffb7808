"""The task cache on a real SQLite file: two caches with their own connections stand for
two service processes sharing the file; then the reads of one cache under way."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from chorus.config import Settings
from chorus.tasks import lifecycle
from chorus.tasks.cache import TaskCache
from task_cache_checks import (
    BASE,
    TTL_S,
    Clock,
    CountingDatabase,
    check_batches_read_only_what_expired,
    check_concurrent_readers_share_one_read,
    check_unfinished_snapshots_expire,
    new_music,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[CountingDatabase, CountingDatabase]]:
    settings = Settings(data_dir=tmp_path)
    a, b = CountingDatabase(settings), CountingDatabase(settings)
    a.migrate()
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


async def test_no_ttl_reads_unfinished_tasks_every_time(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    cache = TaskCache(db, BASE, ttl_s=0, clock=Clock())
    running, finished = new_music(db), new_music(db)
    assert db.call(lifecycle.fail, finished, "cancelled in the test")
    for _ in range(3):
        found = await cache.views([running, finished])
        assert {tid: view.status for tid, view in found.items()} == {
            running: "SUBMITTED",
            finished: "FAILURE",
        }
    assert db.reads == [sorted([running, finished]), [running], [running]]


async def test_a_change_committed_during_a_read_is_not_hidden_by_it(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    cache = TaskCache(db, BASE, ttl_s=TTL_S, clock=Clock())
    task_id = new_music(db)
    release = db.hold = asyncio.Event()
    first = asyncio.ensure_future(cache.view(task_id))
    await db.held.wait()
    # This process moves the task while the read that saw it SUBMITTED is still under way:
    # a reader after the change does not join that read, and what it read is not kept.
    assert db.call(lifecycle.take, task_id) == "MUSIC"
    cache.invalidate(task_id)
    second = await asyncio.wait_for(cache.view(task_id), 10)
    assert second is not None and second.status == "QUEUED"
    release.set()
    stale = await first
    assert stale is not None and stale.status == "SUBMITTED"
    assert await cache.view(task_id) is second
    assert len(db.reads) == 2


async def test_a_reader_going_away_does_not_cancel_the_shared_read(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    cache = TaskCache(db, BASE, ttl_s=TTL_S, clock=Clock())
    task_id = new_music(db)
    release = db.hold = asyncio.Event()
    leaving = asyncio.ensure_future(cache.view(task_id))
    await db.held.wait()
    staying = asyncio.ensure_future(cache.view(task_id))
    await asyncio.sleep(0)
    leaving.cancel()
    release.set()
    view = await staying
    assert leaving.cancelled()
    assert view is not None and view.status == "SUBMITTED"
    assert len(db.reads) == 1
    assert await cache.view(task_id) is view
    assert len(db.reads) == 1


async def test_a_failed_read_fails_its_readers_and_is_not_kept(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    cache = TaskCache(db, BASE, ttl_s=TTL_S, clock=Clock())
    task_id = new_music(db)
    db.error = OperationalError("SELECT", {}, Exception("database is locked"))
    failed = await asyncio.gather(
        cache.view(task_id), cache.views([task_id]), return_exceptions=True
    )
    assert [type(result) for result in failed] == [OperationalError, OperationalError]
    assert len(db.reads) == 1
    view = await cache.view(task_id)
    assert view is not None and view.status == "SUBMITTED"
    assert len(db.reads) == 2


async def test_an_unknown_id_is_read_once_per_ttl(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    clock = Clock()
    cache = TaskCache(db, BASE, ttl_s=TTL_S, clock=clock)
    unknown = "00000000-0000-4000-8000-000000000000"
    known = new_music(db)
    for _ in range(3):
        assert await cache.view(unknown) is None
        assert set(await cache.views([unknown, known])) == {known}
    assert db.reads == [[unknown], [known]]
    clock.advance(TTL_S)
    assert await cache.view(unknown) is None
    assert db.reads[-1] == [unknown]
    # A change this process makes to a task is read at once.
    cache.invalidate(unknown)
    assert await cache.view(unknown) is None
    assert db.reads[-2:] == [[unknown], [unknown]]
    # Without a TTL nothing is remembered.
    every = TaskCache(db, BASE, ttl_s=0, clock=clock)
    before = len(db.reads)
    for _ in range(3):
        assert await every.view(unknown) is None
    assert len(db.reads) == before + 3


async def test_an_unknown_clip_id_is_read_once_per_ttl_and_hides_no_task(
    pair: tuple[CountingDatabase, CountingDatabase],
) -> None:
    db = pair[0]
    clock = Clock()
    cache = TaskCache(db, BASE, ttl_s=TTL_S, clock=clock)
    task_id = new_music(db)
    clip_reads: list[str] = []
    real_run = db.run

    async def counting(fn: Any, *args: Any) -> Any:
        if fn.__name__ == "load_clip_task":
            clip_reads.append(args[0])
        return await real_run(fn, *args)

    db.run = counting  # type: ignore[method-assign]
    # A task id asked for as a clip: no such clip, twice for one read.
    assert await cache.clip_task(task_id) is None
    assert await cache.clip_task(task_id) is None
    assert clip_reads == [task_id]
    # ... and the task itself is still found.
    view = await cache.view(task_id)
    assert view is not None and view.id == task_id
    clip = view.clips[0].id
    assert await cache.clip_task(clip) == task_id
    assert await cache.clip_task(clip) == task_id
    clock.advance(TTL_S)
    assert await cache.clip_task(task_id) is None
    assert clip_reads == [task_id, clip, task_id]
