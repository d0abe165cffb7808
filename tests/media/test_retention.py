"""Media retention on a real SQLite database and real folders; then through a real
``chorus serve`` restarted with a retention over the files of a song it rendered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chorus.config import Settings
from chorus.db import Database
from chorus.media import retention
from chorus.media.retention import MediaSweeper
from live_server import LiveServer, fetch, submit, wait_until
from retention_checks import DAY, NOW, check_old_files_go_in_order, new_task


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, media_retention_days=7)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    database.migrate()
    yield database
    database.dispose()


async def test_finished_tasks_past_the_retention_lose_their_files_in_order(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PAGE", 2)
    await check_old_files_go_in_order(db, settings)


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
        metrics = httpx.get(f"{later.base_url}/metrics", timeout=10).text
        assert "chorus_media_deleted_total 2.0" in metrics  # the task's two clips
    finally:
        later.stop()
