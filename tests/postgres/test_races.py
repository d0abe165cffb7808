"""Races that SQLite's single writer settled by itself, on PostgreSQL with real processes:
refunds once, admission limits exact, one delivery loop per task, and the two clips of a
task completing at the same moment."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from chorus.callbacks import repository as hooks
from chorus.callbacks.models import HookDelivery
from chorus.config import Settings
from chorus.credits import repository as ledger
from chorus.db import Database
from chorus.keys.service import KeyInfo, create_key, info, set_limits
from chorus.tasks import admission, lifecycle
from chorus.tasks import service as tasks
from chorus.tasks.models import Task
from chorus.tasks.schemas import SubmitMusic

pytestmark = pytest.mark.postgres

RACER = Path(__file__).with_name("_race.py")
SONG = {"prompt": "[Verse]\nrun", "tags": "rock"}


@pytest.fixture(scope="module")
def race_url(make_pg_database: Callable[..., str]) -> str:
    # Its own database: the global queue count below must see only this module's tasks.
    return make_pg_database()


@pytest.fixture
def db(race_url: str) -> Iterator[Database]:
    database = Database(Settings(database_url=race_url))
    try:
        yield database
    finally:
        database.dispose()


def race(*commands: list[str], at_go: Callable[[], None] = lambda: None) -> list[str]:
    """Run each command of ``_race.py`` in its own process; once all are connected, let
    them go at once (and call ``at_go``). The lines their racers printed."""
    processes = [
        subprocess.Popen(
            [sys.executable, str(RACER), *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for process in processes:
        assert process.stdout is not None
        ready = process.stdout.readline().strip()
        assert ready == "ready", process.communicate(timeout=30)[1]
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    at_go()
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.extend(out.splitlines())
    return outputs


def new_key(db: Database, credits: int, max_running: int | None = None) -> KeyInfo:
    def make(session: Session) -> KeyInfo:
        key, _ = create_key(session, f"racer-{uuid.uuid4().hex[:8]}", credits=credits)
        if max_running is not None:
            set_limits(
                session, key.name, rate_submit_per_min=None, rate_fetch_per_min=None,
                max_running=max_running,
            )  # fmt: skip
        return info(key)

    return db.call(make)


def new_task(db: Database, key: KeyInfo, settings: Settings) -> str:
    def make(session: Session) -> str:
        body = SubmitMusic.model_validate(SONG)
        task = tasks.submit_music(session, key, body, settings, lambda _: None)
        admission.admit(session, key, task, settings)
        return task.id

    return db.call(make)


def test_racing_failers_refund_once(db: Database, race_url: str) -> None:
    settings = Settings(database_url=race_url)
    key = new_key(db, credits=25)
    task_id = new_task(db, key, settings)
    assert db.call(ledger.balance, key.id) == 25 - settings.price_music
    processes = [["fail", race_url, "2", task_id, f"racer {n}"] for n in range(3)]
    outcomes: list[bool] = []

    def thread_racer(n: int) -> None:
        outcomes.append(db.call(lifecycle.fail, task_id, f"thread {n}"))

    threads = [threading.Thread(target=thread_racer, args=(n,)) for n in range(4)]

    def start_threads() -> None:
        for thread in threads:
            thread.start()

    printed = race(*processes, at_go=start_threads)
    for thread in threads:
        thread.join()
    assert printed.count("won") + outcomes.count(True) == 1
    entries = db.call(lambda s: [(e.reason, e.delta) for e in ledger.for_task(s, task_id)])
    assert entries == [("charge", -settings.price_music), ("refund", settings.price_music)]
    assert db.call(ledger.balance, key.id) == 25
    assert db.call(ledger.ledger_sum, key.id) == 25

    def task_row(session: Session) -> tuple[str, int, list[str]]:
        task = session.get(Task, task_id)
        assert task is not None
        return task.status, task.version, [clip.status for clip in task.clips]

    # SUBMITTED was version 1; the one failure that happened made it 2.
    assert db.call(task_row) == ("FAILURE", 2, ["error", "error"])


def _waiting(session: Session) -> int:
    query = select(func.count()).select_from(Task).where(admission.waiting())
    return int(session.scalar(query) or 0)


def test_concurrent_submits_admit_exactly_the_key_cap(db: Database, race_url: str) -> None:
    cap, processes, threads = 3, 3, 3
    racers = processes * threads
    key = new_key(db, credits=1000, max_running=cap)
    max_queue = db.call(_waiting) + 1000
    command = ["admit", race_url, str(threads), str(key.id), str(max_queue)]
    printed = race(*[command] * processes)
    assert Counter(printed) == {"admitted": cap, "concurrency_limit": racers - cap}
    charges = db.call(lambda s: [e for e, _ in ledger.page(
        s, key_id=key.id, task_id=None, reason="charge", since=None, offset=0, limit=100
    )[0]])  # fmt: skip
    assert len(charges) == cap
    assert db.call(ledger.balance, key.id) == 1000 - cap * Settings().price_music


def test_concurrent_submits_respect_the_queue_bound(db: Database, race_url: str) -> None:
    room, processes, threads = 2, 3, 3
    racers = processes * threads
    key = new_key(db, credits=1000, max_running=1000)
    max_queue = db.call(_waiting) + room
    command = ["admit", race_url, str(threads), str(key.id), str(max_queue)]
    printed = race(*[command] * processes)
    assert Counter(printed) == {"admitted": room, "service_busy": racers - room}
    assert db.call(_waiting) == max_queue


def test_delivery_loops_lease_each_task_once(db: Database, race_url: str) -> None:
    settings = Settings(database_url=race_url)
    key = new_key(db, credits=1000, max_running=1000)
    task_ids = [new_task(db, key, settings) for _ in range(12)]
    now = time.time()

    def add_deliveries(session: Session) -> None:
        for task_id in task_ids:
            for version in (1, 2, 3):
                hooks.add(session, HookDelivery(
                    id=f"msg_{uuid.uuid4().hex}", task_id=task_id, key_id=key.id,
                    url="http://127.0.0.1:9/hook", version=version, task_status="QUEUED",
                    body=b"{}", state="pending", attempts=0, next_attempt_at=now,
                    last_error="", redeliver=False, created_at=now,
                ))  # fmt: skip

    db.call(add_deliveries)
    printed = race(*[["claim", race_url, "2"]] * 3)
    claims = [tuple(pair) for out in printed for pair in json.loads(out)]
    # Every task leased exactly once, by one of the loops, and only its newest status.
    assert sorted(task for _, task in claims) == sorted(task_ids)

    def states(session: Session) -> dict[str, list[tuple[int, str, bool]]]:
        found: dict[str, list[tuple[int, str, bool]]] = {}
        for task_id in task_ids:
            found[task_id] = [
                (row.version, row.state, row.lease_until is not None)
                for row in hooks.for_task(session, task_id)
            ]
        return found

    by_task = db.call(states)
    for delivery_id, task_id in claims:
        leased = [row for row in by_task[task_id] if row[2]]
        assert leased == [(3, "pending", True)], (delivery_id, by_task[task_id])
        assert [row[1] for row in by_task[task_id][:2]] == ["superseded", "superseded"]


def test_clips_completing_at_the_same_moment_finish_the_task(db: Database, race_url: str) -> None:
    settings = Settings(database_url=race_url)
    key = new_key(db, credits=1000, max_running=1000)
    for _ in range(4):
        task_id = new_task(db, key, settings)
        assert db.call(lifecycle.take, task_id) == "MUSIC"
        plan = db.call(lifecycle.start, task_id)
        assert plan is not None
        before = db.call(lambda s, t=task_id: s.get(Task, t).version)
        barrier = threading.Barrier(len(plan.clips))
        errors: list[BaseException] = []

        def complete(
            clip_id: str,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            try:
                barrier.wait(10)
                db.call(lifecycle.complete_clip, clip_id, 10.0)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=complete, args=(c.id,)) for c in plan.clips]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []

        def row(session: Session, t: str = task_id) -> tuple[str, int, int, list[str]]:
            task: Any = session.get(Task, t)
            return task.status, task.version, task.progress, [c.status for c in task.clips]

        status, version, progress, clips = db.call(row)
        assert (status, progress, clips) == ("SUCCESS", 100, ["complete", "complete"])
        # One status change, to SUCCESS, whichever clip came second.
        assert version == before + 1


def test_processes_starting_together_migrate_in_turn(
    make_pg_database: Callable[..., str],
) -> None:
    url = make_pg_database(migrate=False)
    assert race(*[["migrate", url, "1"]] * 3) == ["migrated"] * 3
    database = Database(Settings(database_url=url))
    try:
        heads = database.call(
            lambda s: list(s.scalars(text("SELECT version_num FROM alembic_version")))
        )
        assert heads == [ScriptDirectory.from_config(_alembic_config()).get_current_head()]
    finally:
        database.dispose()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("chorus") / "migrations"))
    return config
