"""Media retention on a real SQLite database and real folders; then through a real
``chorus serve`` restarted with a retention over the files of a song it rendered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.db import Database
from chorus.keys.service import create_key, info
from chorus.media import retention
from chorus.media.retention import MediaSweeper
from chorus.media.service import clip_dir, shared_dir
from chorus.tasks import repository
from chorus.tasks.schemas import SubmitMusic
from chorus.tasks.service import submit_music
from live_server import LiveServer, fetch, submit, wait_until

DAY = 86_400.0
NOW = 1_900_000_000.0


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, media_retention_days=7)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    database.migrate()
    yield database
    database.dispose()


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


async def test_finished_tasks_past_the_retention_lose_their_files_in_order(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PAGE", 2)  # the walk crosses pages
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
    assert all(f.parent.is_dir() is False for f in old_folders)  # every attempt went
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


async def test_no_retention_keeps_everything(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, media_retention_days=0)
    database = Database(settings)
    database.migrate()
    try:
        _, folders = new_task(database, settings, 3650, "SUCCESS")
        assert await MediaSweeper(settings, database, clock=lambda: NOW).sweep_once() == 0
        assert all(f.exists() for f in folders)
    finally:
        database.dispose()


def test_a_served_song_past_the_retention_is_gone_and_cannot_be_extended(
    tmp_path: Path,
) -> None:
    first = LiveServer(tmp_path).start()
    try:
        key = first.new_key("kept-a-while")
        with first.client(key) as client:
            task_id = submit(client, {"prompt": "[Verse]\nsoon gone", "tags": "folk"})
            done = wait_until(client, [task_id])[task_id]
            assert done["status"] == "SUCCESS", done
            clip = done["data"][0]
            assert httpx.get(clip["audio_url"], timeout=10).status_code == 200
    finally:
        first.stop()
    time.sleep(1.1)  # past a one-second retention
    later = LiveServer(
        tmp_path, CHORUS_MEDIA_RETENTION_DAYS=str(1 / DAY), CHORUS_MEDIA_SWEEP_S="0.2"
    ).start()
    try:
        with later.client(key) as client:
            clip = fetch(client, task_id)["data"]["data"][0]
            deadline = time.monotonic() + 20
            while (answer := httpx.get(clip["audio_url"], timeout=10)).status_code == 200:
                assert time.monotonic() < deadline, "the files were never deleted"
                time.sleep(0.1)
            assert answer.status_code == 404
            assert answer.json()["code"] == "media_not_exist"
            # The task still answers as it did.
            data = fetch(client, task_id)["data"]
            assert data["status"] == "SUCCESS" and data["data"][0]["id"] == clip["id"]
            extend = client.post("/suno/submit/music", json={
                "continue_clip_id": clip["id"], "continue_at": 5, "task_id": task_id,
                "task": "extend", "prompt": "[Verse]\nand on"})  # fmt: skip
            assert extend.status_code == 400
            assert "continue_clip_id" in extend.json()["message"]
        assert not (tmp_path / "media" / clip["id"]).exists()
    finally:
        later.stop()
