"""What media retention promises, checked on whichever database the caller opens (SQLite
file, PostgreSQL; it must be fresh, as the walk covers every task in it)."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.db import Database
from chorus.keys.service import create_key, info
from chorus.media.retention import MediaSweeper
from chorus.media.service import clip_dir, shared_dir
from chorus.tasks import repository
from chorus.tasks.schemas import SubmitMusic
from chorus.tasks.service import submit_music

DAY = 86_400.0
NOW = 1_900_000_000.0


def new_task(
    db: Database, settings: Settings, age_days: float, status: str
) -> tuple[str, list[Path]]:
    """A music task submitted ``age_days`` before NOW, with files in its clips' folders."""

    def add(session: Session) -> tuple[str, list[Path]]:
        key, _ = create_key(session, f"k{time.monotonic_ns()}")
        body = SubmitMusic(gpt_description_prompt="old rain")
        task = submit_music(session, info(key), body, settings, lambda _id: None)
        task.submit_time = int(NOW - age_days * DAY)
        task.status = status
        folders = [clip_dir(settings.media_dir, clip.id, 1) for clip in task.clips]
        return task.id, folders

    task_id, folders = db.call(add)
    for folder in folders:
        folder.mkdir(parents=True)
        (folder / "song.mp3").write_bytes(b"\xff\xfb" * 100)
    return task_id, folders


def set_status(db: Database, task_id: str, status: str) -> None:
    def write(session: Session) -> None:
        task = repository.get(session, task_id)
        assert task is not None
        task.status = status

    db.call(write)


async def check_old_files_go_in_order(db: Database, settings: Settings) -> None:
    """Finished tasks past a 7-day retention lose their files, walked in submit order;
    an unfinished one holds the walk until it finishes (``retention.PAGE`` may be small, so
    the walk crosses pages)."""
    old, old_folders = new_task(db, settings, 10, "SUCCESS")
    failed, failed_folders = new_task(db, settings, 9, "FAILURE")
    scratch = shared_dir(settings.media_dir, failed)
    scratch.mkdir(parents=True)
    running, running_folders = new_task(db, settings, 8.5, "IN_PROGRESS")
    _, later_folders = new_task(db, settings, 8, "SUCCESS")
    _, recent_folders = new_task(db, settings, 1, "SUCCESS")
    clock = [NOW]
    sweeper = MediaSweeper(settings, db, clock=lambda: clock[0])

    assert await sweeper.sweep_once() == 5  # two clips each, and the scratch space
    assert not any(f.exists() for f in old_folders + failed_folders) and not scratch.exists()
    assert not any(f.parent.exists() for f in old_folders)  # every attempt went
    # An unfinished task stops the walk: what follows it waits for the next round.
    assert all(f.exists() for f in running_folders + later_folders + recent_folders)

    set_status(db, running, "SUCCESS")
    assert await sweeper.sweep_once() == 4
    assert not any(f.exists() for f in running_folders + later_folders)
    assert all(f.exists() for f in recent_folders)
    # Tasks and clips stay: only their files are gone.
    assert db.call(repository.get, old) is not None

    clock[0] = NOW + 6.5 * DAY
    assert await sweeper.sweep_once() == 2
    assert not any(f.exists() for f in recent_folders)
    assert await sweeper.sweep_once() == 0
