"""What the task cache promises when several service processes share one database, checked
on whichever database the caller opens (SQLite file, PostgreSQL): two
:class:`CountingDatabase` objects stand for two processes' connection pools."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.db import Database
from chorus.keys.service import create_key, info
from chorus.tasks import lifecycle, repository
from chorus.tasks.cache import TaskCache
from chorus.tasks.schemas import SubmitMusic
from chorus.tasks.service import submit_music
from chorus.tasks.views import TaskView
from live_server import TERMINAL, LiveServer, fetch, submit, wait_until

T = TypeVar("T")
BASE = "http://chorus.test"
TTL_S = 1.0


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class CountingDatabase(Database):
    """A :class:`Database` that records the task reads the cache makes through it; the
    next read can be held once it has read (``hold``) or fail (``error``)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.reads: list[list[str]] = []
        self.hold: asyncio.Event | None = None
        self.held = asyncio.Event()
        self.error: Exception | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if fn.__name__ != "load_views":
            return await super().run(fn, *args)
        self.reads.append(sorted(args[0]))
        error, self.error = self.error, None
        if error is not None:
            await asyncio.sleep(0.01)
            raise error
        result = await super().run(fn, *args)
        hold, self.hold = self.hold, None
        if hold is not None:
            self.held.set()
            await hold.wait()
        return result


def new_music(db: Database) -> str:
    """A MUSIC task (SUBMITTED, two clips) of a fresh key."""

    def add(session: Session) -> str:
        key, _ = create_key(session, f"cache-{time.monotonic_ns()}")
        body = SubmitMusic(gpt_description_prompt="rain on the roof")
        settings = Settings(song_duration_s=10)
        return submit_music(session, info(key), body, settings, lambda _task_id: None).id

    return db.call(add)


def status_in_db(db: Database, task_id: str) -> str:
    def read(session: Session) -> str:
        task = repository.get(session, task_id)
        assert task is not None
        return task.status

    return db.call(read)


def answered(cache: TaskCache, view: TaskView) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(cache.answer(view, "suno"))
    return body


async def check_unfinished_snapshots_expire(a: CountingDatabase, b: CountingDatabase) -> None:
    """Process B serves its snapshot of a task process A runs for at most the TTL, then
    reads the task again; once B has seen it finished it never reads it again."""
    clock = Clock()
    cache_a = TaskCache(a, BASE, ttl_s=TTL_S, clock=clock)
    cache_b = TaskCache(b, BASE, ttl_s=TTL_S, clock=clock)
    task_id = new_music(a)
    first = await cache_b.view(task_id)
    assert first is not None and first.status == "SUBMITTED"
    first_answer = cache_b.answer(first, "suno")
    assert json.loads(first_answer)["status"] == "SUBMITTED"
    assert b.reads == [[task_id]]

    # Nothing changed: past the TTL B reads again, and keeps the snapshot and its answer.
    clock.advance(TTL_S + 0.1)
    again = await cache_b.view(task_id)
    assert again is first and cache_b.answer(again, "suno") is first_answer
    assert len(b.reads) == 2

    # A starts the task; B serves what it has until the TTL passes.
    assert a.call(lifecycle.take, task_id) == "MUSIC"
    plan = a.call(lifecycle.start, task_id)
    assert plan is not None
    cache_a.invalidate(task_id)
    started = await cache_a.view(task_id)
    assert started is not None and started.status == status_in_db(a, task_id) == "QUEUED"
    clock.advance(TTL_S * 0.9)
    assert await cache_b.view(task_id) is first
    assert await cache_b.views([task_id]) == {task_id: first}
    assert len(b.reads) == 2
    clock.advance(TTL_S * 0.2)
    seen = await cache_b.view(task_id)
    assert seen is not None and seen.status == "QUEUED"
    assert [clip.status for clip in seen.clips] == ["queued", "queued"]
    assert answered(cache_b, seen)["status"] == "QUEUED"
    assert len(b.reads) == 3

    # A finishes it; B sees SUCCESS after the TTL and from then on answers from memory.
    for clip in plan.clips:
        a.call(lifecycle.complete_clip, clip.id, 10.0)
    cache_a.invalidate(task_id)
    assert status_in_db(a, task_id) == "SUCCESS"
    clock.advance(TTL_S + 0.1)
    done = await cache_b.view(task_id)
    assert done is not None and done.status == "SUCCESS" and done.progress == 100
    body = answered(cache_b, done)
    assert body["status"] == "SUCCESS" and body["progress"] == "100%"
    assert [clip["status"] for clip in body["data"]] == ["complete", "complete"]
    assert [clip["metadata"]["duration"] for clip in body["data"]] == [10.0, 10.0]
    reads = len(b.reads)
    clock.advance(10**6)
    assert await cache_b.view(task_id) is done
    assert await cache_b.views([task_id]) == {task_id: done}
    assert cache_b.answer(done, "suno") is cache_b.answer(done, "suno")
    assert len(b.reads) == reads


async def check_batches_read_only_what_expired(a: CountingDatabase, b: CountingDatabase) -> None:
    """A batch reads again only its unfinished tasks whose snapshots expired, in one read;
    unknown ids stay out of the answer."""
    clock = Clock()
    cache_b = TaskCache(b, BASE, ttl_s=TTL_S, clock=clock)
    finished, running = new_music(a), new_music(a)
    assert a.call(lifecycle.fail, finished, "cancelled in the test")
    assert a.call(lifecycle.take, running) == "MUSIC"
    found = await cache_b.views([finished, running, "no-such-task"])
    assert {tid: view.status for tid, view in found.items()} == {
        finished: "FAILURE",
        running: "QUEUED",
    }
    assert b.reads == [sorted([finished, running, "no-such-task"])]
    assert a.call(lifecycle.start, running) is not None
    a.call(lifecycle.progress, {clip.id: (40, 3.0) for clip in found[running].clips})
    clock.advance(TTL_S + 0.1)
    again = await cache_b.views([finished, running])
    assert b.reads[1:] == [[running]]
    assert again[finished] is found[finished]
    assert again[running].status == "IN_PROGRESS" and again[running].progress == 40
    answers = [json.loads(cache_b.answer(again[t], "flat")) for t in (finished, running)]
    assert [(body["status"], body["progress"]) for body in answers] == [
        ("FAILURE", "0%"),
        ("IN_PROGRESS", "40%"),
    ]


async def check_concurrent_readers_share_one_read(a: CountingDatabase, b: CountingDatabase) -> None:
    """Many fetches of an expired task at once make one read of the database."""
    clock = Clock()
    cache_b = TaskCache(b, BASE, ttl_s=TTL_S, clock=clock)
    task_id = new_music(a)
    assert (await cache_b.view(task_id)) is not None
    assert a.call(lifecycle.take, task_id) == "MUSIC"
    clock.advance(TTL_S + 0.1)
    seen = await asyncio.gather(*(cache_b.view(task_id) for _ in range(20)))
    assert len(b.reads) == 2
    assert all(view is seen[0] for view in seen)
    assert seen[0] is not None and seen[0].status == "QUEUED"


def fake_chat_api() -> Any:
    """``tests/lyrics/fake_chat_api.py`` as a module (it lives beside the lyrics tests)."""
    module = sys.modules.get("fake_chat_api")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "fake_chat_api", Path(__file__).parent / "lyrics" / "fake_chat_api.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["fake_chat_api"] = module
        spec.loader.exec_module(module)
    return module


def check_finished_elsewhere_is_seen(data_dir: Path, database_url: str) -> None:
    """Two ``chorus serve`` processes on one database: a task process A runs, which
    process B has answered as unfinished, is answered finished by B soon after A
    finishes it (both by ``GET`` and by the batch fetch)."""
    module = fake_chat_api()
    with module.FakeChatApi() as chat_api:
        chat_api.behaviour = "held"
        env = {"CHORUS_DATABASE_URL": database_url}
        runner = LiveServer(
            data_dir / "a",
            CHORUS_LLM_BASE_URL=chat_api.base_url,
            CHORUS_LLM_API_KEY="sk-llm",
            CHORUS_LLM_MODEL="songwriter-1",
            **env,
        )
        other = LiveServer(data_dir / "b", **env)
        runner.start()
        try:
            other.start()
            key = runner.new_key(f"two-processes-{time.monotonic_ns()}")
            with runner.client(key) as client_a, other.client(key) as client_b:
                task_id = submit(client_a, {"prompt": "the harbour at night"}, "lyrics")
                wait_until(client_a, [task_id], ["IN_PROGRESS"], timeout_s=60)
                # B answers the task as unfinished (and caches that) while A's writer waits.
                assert fetch(client_b, task_id)["data"]["status"] not in TERMINAL
                chat_api.release.set()
                done = wait_until(client_a, [task_id], timeout_s=60)[task_id]
                assert done["status"] == "SUCCESS", done["fail_reason"]
                assert done["data"]["title"] == module.GOOD["title"]
                # Within the TTL (and the time a poll takes).
                limit = Settings().task_cache_ttl_s + 3
                seen = wait_until(client_b, [task_id], timeout_s=limit)[task_id]
                assert seen == done
                batch = client_b.post("/suno/fetch", json={"ids": [task_id]})
                assert batch.status_code == 200, batch.text
                assert batch.json()["data"] == [done]
        finally:
            other.stop()
            runner.stop()
