"""A failed task's credits come back exactly once, however many workers race to fail it,
and across a crash and restart in the middle of the race (real SQLite, real processes)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from chorus.config import Settings
from chorus.credits import repository as ledger
from chorus.credits.models import CreditEntry
from chorus.db import Database
from chorus.keys.models import ApiKey
from chorus.keys.service import KeyInfo, create_key, info
from chorus.tasks import admission, lifecycle
from chorus.tasks import service as tasks
from chorus.tasks.models import Task
from chorus.tasks.schemas import SubmitMusic
from live_server import ADMIN_KEY, LiveServer, fetch, submit

FAIL_SCRIPT = Path(__file__).with_name("_fail_task.py")
RACERS = 6


def racers(
    data_dir: Path, task_id: str, count: int, start_in_s: float
) -> list[subprocess.Popen[str]]:
    at = str(time.time() + start_in_s)
    return [
        subprocess.Popen(
            [sys.executable, str(FAIL_SCRIPT), str(data_dir), task_id, f"racer {n}", at],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]


def results(processes: list[subprocess.Popen[str]]) -> list[str]:
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outcomes.append(out.strip())
    return outcomes


def rows(db: Database, task_id: str) -> list[tuple[str, int]]:
    def read(session: Any) -> list[tuple[str, int]]:
        return [(e.reason, e.delta) for e in ledger.for_task(session, task_id)]

    return db.call(read)


def test_processes_and_threads_racing_to_fail_refund_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    db = Database(settings)
    db.migrate()

    def setup(session: Any) -> tuple[KeyInfo, str]:
        key, _ = create_key(session, "racer", credits=25)
        who = info(key)
        task = tasks.submit_music(
            session,
            who,
            SubmitMusic.model_validate({"prompt": "[Verse]\nrun", "tags": "rock"}),
            settings,
            lambda _: None,
        )
        admission.admit(session, who, task, settings)
        return who, task.id

    key, task_id = db.call(setup)
    assert db.call(ledger.balance, key.id) == 25 - settings.price_music
    processes = racers(tmp_path, task_id, RACERS, start_in_s=1.5)
    outcomes: list[bool] = []
    time.sleep(max(0.0, 1.5 - 0.2))

    def thread_racer(n: int) -> None:
        outcomes.append(db.call(lifecycle.fail, task_id, f"thread {n}"))

    threads = [threading.Thread(target=thread_racer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = results(processes).count("won") + outcomes.count(True)
    assert winners == 1
    assert rows(db, task_id) == [
        ("charge", -settings.price_music),
        ("refund", settings.price_music),
    ]
    assert db.call(ledger.balance, key.id) == 25
    assert db.call(ledger.ledger_sum, key.id) == 25

    def task_row(session: Any) -> tuple[str, int, list[str]]:
        task = session.get(Task, task_id)
        return task.status, task.version, [clip.status for clip in task.clips]

    status, version, clips = db.call(task_row)
    # SUBMITTED was version 1; the one failure that happened made it 2.
    assert (status, version, clips) == ("FAILURE", 2, ["error", "error"])
    # Failing a finished task again changes nothing.
    assert db.call(lifecycle.fail, task_id, "late") is False
    assert len(rows(db, task_id)) == 2
    db.dispose()


def test_restart_in_the_middle_of_the_race(tmp_path: Path) -> None:
    # One interruption is the limit: the restart's recovery fails the task too, racing
    # the outside processes for the refund.
    server = LiveServer(tmp_path / "data", CHORUS_MAX_ATTEMPTS="1").start()
    try:
        key = server.new_key("restart-racer", credits=40)
        with server.client(key) as client, server.client(ADMIN_KEY) as admin:
            task_id = submit(client, {"prompt": "[Verse]\nhold on\nlet go", "duration": 60})
            deadline = time.monotonic() + 120
            # Killed once its render attempt started: the restart may not resume it.
            while admin.get(f"/admin/tasks/{task_id}").json()["attempts"] < 1:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        server.kill()
        processes = racers(server.data_dir, task_id, RACERS, start_in_s=0.3)
        server.start()
        outcomes = results(processes)
        with server.client(key) as client:
            task = fetch(client, task_id)["data"]
        with server.client(ADMIN_KEY) as admin:
            entries = admin.get("/admin/ledger", params={"task_id": task_id}).json()
            balance = admin.get("/admin/keys/restart-racer").json()["credits"]
    finally:
        server.stop()
    assert task["status"] == "FAILURE" and task["fail_reason"]
    assert outcomes.count("won") <= 1
    assert sorted(e["reason"] for e in entries) == ["charge", "refund"]
    assert balance == 40
    db = Database(Settings(data_dir=server.data_dir))
    try:

        def refunds(session: Any) -> int:
            query = select(CreditEntry).where(
                CreditEntry.task_id == task_id, CreditEntry.reason == "refund"
            )
            return len(list(session.scalars(query)))

        assert db.call(refunds) == 1
        key_row = db.call(
            lambda s: s.scalars(select(ApiKey).where(ApiKey.name == "restart-racer")).one().credits
        )
        assert key_row == 40
    finally:
        db.dispose()
