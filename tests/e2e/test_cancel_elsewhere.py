"""Two ``chorus serve`` processes sharing one SQLite file: a task cancelled through one
of them stops rendering in the other, which was running it."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx

from live_server import ADMIN_KEY, LiveServer, submit, wait_until


def _streams(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "media").glob("*/*/stream.mp3"))


def _listen(url: str) -> None:
    """Play a clip's stream to its end (the render writes it once someone listens)."""
    with contextlib.suppress(httpx.HTTPError), httpx.stream("GET", url, timeout=120) as answer:
        for _ in answer.iter_bytes():
            pass


def test_a_task_cancelled_through_the_other_process_stops_rendering(tmp_path: Path) -> None:
    env = {"CHORUS_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}"}
    # Only the runner renders: the other takes no work.
    runner = LiveServer(tmp_path / "a", **env)
    other = LiveServer(tmp_path / "b", CHORUS_WORKERS="1", CHORUS_MAX_QUEUE="1", **env)
    runner.start()
    try:
        key = runner.new_key(f"cancel-elsewhere-{time.monotonic_ns()}")
        with runner.client(key) as client:
            task_id = submit(client, {"prompt": "[Verse]\nlong road home", "tags": "rock",
                                      "duration": 240})  # fmt: skip
            task = wait_until(client, [task_id], ["IN_PROGRESS"], timeout_s=60)[task_id]
            for clip in task["data"]:
                threading.Thread(target=_listen, args=(clip["audio_url"],), daemon=True).start()
            deadline = time.monotonic() + 60
            while not any(p.stat().st_size > 50_000 for p in _streams(runner.data_dir)):
                assert time.monotonic() < deadline, "the render never started streaming"
                time.sleep(0.1)
            other.start()
            with other.client(ADMIN_KEY) as admin:
                answer = admin.post(f"/admin/tasks/{task_id}/cancel")
                assert answer.status_code == 200, answer.text
            done = wait_until(client, [task_id], timeout_s=30)[task_id]
            assert done["status"] == "FAILURE"
            # Within a progress report or two the runner's renders stop: the streams stop
            # growing and no finished song is written.
            time.sleep(3.0)
            sizes = [p.stat().st_size for p in _streams(runner.data_dir)]
            time.sleep(3.0)
            assert [p.stat().st_size for p in _streams(runner.data_dir)] == sizes
            assert not list((runner.data_dir / "media").glob("*/*/song.mp3"))
    finally:
        other.stop()
        runner.stop()
