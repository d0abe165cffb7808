"""Status rules on a real SQLite database: the task follows its clips and never
contradicts them; recovery resumes or fails interrupted tasks."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from chorus.admin import service as admin_service
from chorus.config import Settings
from chorus.credits import repository as ledger
from chorus.db import Database
from chorus.keys.service import create_key, info
from chorus.tasks import admission, events, lifecycle, repository
from chorus.tasks.schemas import SubmitLyrics, SubmitMusic
from chorus.tasks.service import submit_lyrics, submit_music


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(Settings(data_dir=tmp_path))
    database.migrate()
    yield database
    database.dispose()


def new_music(db: Database, settings: Settings | None = None) -> str:
    settings = settings or Settings(song_duration_s=10)
    enqueued: list[str] = []

    def submit(session: object) -> str:
        key, _ = create_key(session, f"k{len(enqueued)}-{id(enqueued)}")  # type: ignore[arg-type]
        body = SubmitMusic(gpt_description_prompt="rain on the roof")
        return submit_music(session, info(key), body, settings, enqueued.append).id  # type: ignore[arg-type]

    task_id = db.call(submit)
    assert enqueued == [task_id]
    return task_id


def statuses(db: Database, task_id: str) -> tuple[str, list[str], str]:
    def read(session: object) -> tuple[str, list[str], str]:
        task = repository.get(session, task_id)  # type: ignore[arg-type]
        assert task is not None
        return task.status, [clip.status for clip in task.clips], task.fail_reason

    return db.call(read)


@pytest.mark.parametrize(
    ("clips", "task"),
    [
        (["submitted", "submitted"], "SUBMITTED"),
        (["queued", "queued"], "QUEUED"),
        (["queued", "streaming"], "IN_PROGRESS"),
        (["complete", "streaming"], "IN_PROGRESS"),
        (["complete", "queued"], "QUEUED"),
        (["complete", "complete"], "SUCCESS"),
        (["complete", "error"], "FAILURE"),
        (["streaming", "error"], "FAILURE"),
    ],
)
def test_task_status_follows_the_clip_that_is_not_complete(clips: list[str], task: str) -> None:
    assert lifecycle.task_status(clips) == task


def test_a_task_moves_through_the_statuses(db: Database) -> None:
    task_id = new_music(db)
    assert statuses(db, task_id)[:2] == ("SUBMITTED", ["submitted", "submitted"])
    assert db.call(lifecycle.take, task_id) == "MUSIC"
    assert statuses(db, task_id)[:2] == ("QUEUED", ["queued", "queued"])
    plan = db.call(lifecycle.start, task_id)
    assert plan is not None and len(plan.clips) == 2
    assert {clip.attempt for clip in plan.clips} == {1}
    first, second = (clip.id for clip in plan.clips)
    db.call(lifecycle.progress, {first: (30, 3.0)})
    assert statuses(db, task_id)[:2] == ("IN_PROGRESS", ["streaming", "queued"])
    db.call(lifecycle.complete_clip, first, 10.0)
    db.call(lifecycle.progress, {second: (50, 5.0)})
    assert statuses(db, task_id)[:2] == ("IN_PROGRESS", ["complete", "streaming"])
    db.call(lifecycle.complete_clip, second, 10.0)
    assert statuses(db, task_id)[:2] == ("SUCCESS", ["complete", "complete"])
    # Late progress of a finished clip changes nothing.
    db.call(lifecycle.progress, {second: (60, 6.0)})
    assert statuses(db, task_id)[:2] == ("SUCCESS", ["complete", "complete"])


def test_a_failed_task_has_no_clip_still_working(db: Database) -> None:
    task_id = new_music(db)
    db.call(lifecycle.take, task_id)
    plan = db.call(lifecycle.start, task_id)
    assert plan is not None
    assert db.call(lifecycle.progress, {plan.clips[0].id: (40, 4.0)}) == set()
    db.call(lifecycle.fail, task_id, "timed out after 1 s")
    status, clips, reason = statuses(db, task_id)
    assert (status, clips, reason) == ("FAILURE", ["error", "error"], "timed out after 1 s")
    # A render still reporting learns that its task is over, and its report changes nothing.
    assert db.call(lifecycle.progress, {plan.clips[1].id: (70, 7.0)}) == {task_id}
    assert statuses(db, task_id)[:2] == ("FAILURE", ["error", "error"])


def test_recovery_resumes_then_gives_up(db: Database) -> None:
    task_id = new_music(db)
    for _ in range(2):
        db.call(lifecycle.take, task_id)
        assert db.call(lifecycle.start, task_id) is not None
        # The process dies here; the next start recovers.
        assert db.call(lifecycle.recover, 3) == [task_id]
        assert statuses(db, task_id)[:2] == ("QUEUED", ["queued", "queued"])
    db.call(lifecycle.take, task_id)
    plan = db.call(lifecycle.start, task_id)
    assert plan is not None and {clip.attempt for clip in plan.clips} == {3}
    assert db.call(lifecycle.recover, 3) == []
    status, clips, reason = statuses(db, task_id)
    assert (status, clips) == ("FAILURE", ["error", "error"])
    assert "interrupted 3 times" in reason


def test_hand_back_does_not_count_the_attempt(db: Database) -> None:
    task_id = new_music(db)
    db.call(lifecycle.take, task_id)
    db.call(lifecycle.start, task_id)
    db.call(lifecycle.hand_back, task_id, True)
    assert db.call(lifecycle.recover, 1) == [task_id]


def test_lyrics_task(db: Database) -> None:
    enqueued: list[str] = []

    def submit(session: object) -> str:
        key, _ = create_key(session, "lyricist")  # type: ignore[arg-type]
        body = SubmitLyrics(prompt="trains at dawn")
        return submit_lyrics(session, info(key), body, enqueued.append).id  # type: ignore[arg-type]

    task_id = db.call(submit)
    assert db.call(lifecycle.take, task_id) == "LYRICS"
    db.call(lifecycle.start, task_id)
    assert statuses(db, task_id)[0] == "IN_PROGRESS"
    db.call(lifecycle.finish_lyrics, task_id, "Dawn", "folk", "[Verse]\nla")
    assert statuses(db, task_id) == ("SUCCESS", [], "")


def _charged_music(db: Database, settings: Settings, name: str) -> tuple[int, str]:
    def setup(session: Session) -> tuple[int, str]:
        key, _ = create_key(session, name, credits=50)
        who = info(key)
        body = SubmitMusic(gpt_description_prompt="rain on the roof")
        task = submit_music(session, who, body, settings, lambda _: None)
        admission.admit(session, who, task, settings)
        return key.id, task.id

    return db.call(setup)


def test_cancel_racing_the_last_clip_has_exactly_one_winner(db: Database) -> None:
    """An admin's cancel and the worker completing the last clip, started together on
    separate connections, round after round: the task ends SUCCESS with its charge or
    FAILURE refunded once, never SUCCESS and refunded."""
    settings = Settings(song_duration_s=10)
    events.install(db)
    seen: Counter[str] = Counter()
    for round_ in range(30):
        key_id, task_id = _charged_music(db, settings, f"racer-{round_}")
        db.call(lifecycle.take, task_id)
        plan = db.call(lifecycle.start, task_id)
        assert plan is not None
        first, last = (clip.id for clip in plan.clips)
        db.call(lifecycle.progress, {first: (50, 5.0), last: (90, 9.0)})
        db.call(lifecycle.complete_clip, first, 10.0)
        barrier = threading.Barrier(2)
        cancelled: list[bool] = []

        def complete(clip_id: str, barrier: threading.Barrier) -> None:
            barrier.wait()
            db.call(lifecycle.complete_clip, clip_id, 10.0)

        def cancel(task_id: str, barrier: threading.Barrier, cancelled: list[bool]) -> None:
            barrier.wait()
            try:
                db.call(admin_service.cancel_task, task_id)
                cancelled.append(True)
            except admin_service.TaskFinished:
                cancelled.append(False)

        racers = [
            threading.Thread(target=complete, args=(last, barrier)),
            threading.Thread(target=cancel, args=(task_id, barrier, cancelled)),
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)
        status, clips, reason = statuses(db, task_id)
        entries = [(e.reason, e.delta) for e in db.call(ledger.for_task, task_id)]
        balance = db.call(ledger.balance, key_id)
        if status == "SUCCESS":
            assert cancelled == [False]
            assert clips == ["complete", "complete"] and reason == ""
            assert entries == [("charge", -settings.price_music)]
            assert balance == 50 - settings.price_music
        else:
            assert status == "FAILURE" and cancelled == [True]
            assert clips == ["complete", "error"]
            assert entries == [("charge", -settings.price_music), ("refund", settings.price_music)]
            assert balance == 50
        seen[status] += 1
    assert sum(seen.values()) == 30
