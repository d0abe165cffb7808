"""Crashes and restarts lose nothing: a task interrupted by kill -9 is resumed at the
next start; SIGTERM hands running work back; the admin key is generated once."""

from __future__ import annotations

import time
from pathlib import Path

from live_server import ADMIN_KEY, LiveServer, fetch, submit, wait_until


def wait_status(server: LiveServer, key: str, task_id: str, status: str) -> None:
    with server.client(key) as client:
        deadline = time.monotonic() + 120
        while fetch(client, task_id)["data"]["status"] != status:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def assert_consistent(task: dict[str, object]) -> None:
    clips = [clip["status"] for clip in task["data"]]  # type: ignore[index, union-attr]
    if task["status"] == "SUCCESS":
        assert clips == ["complete", "complete"]
    else:
        assert task["status"] == "FAILURE" and task["fail_reason"]
        assert "queued" not in clips and "streaming" not in clips and "error" in clips


def _children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie or a reused pid of another parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_kill_9_in_the_middle_of_a_task(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data").start()
    try:
        key = server.new_key("crash")
        with server.client(key) as client:
            task_id = submit(client, {"prompt": "[Verse]\nfall down\nget up", "duration": 10})
        wait_status(server, key, task_id, "IN_PROGRESS")
        assert server.process is not None
        orphans = _children(server.process.pid)
        assert orphans, "the server has no render processes"
        server.kill()
        # Render processes notice their service is gone and end, even when idle.
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in orphans) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in orphans if _alive(pid)]
        server.start()
        with server.client(key) as client:
            task = wait_until(client, [task_id], timeout_s=240)[task_id]
        assert_consistent(task)
        assert task["status"] == "SUCCESS"
        for clip in task["data"]:
            assert 8 <= clip["metadata"]["duration"] <= 14
            # Only the attempt that finished is kept on disk.
            folders = list((server.data_dir / "media" / clip["id"]).iterdir())
            assert [folder.name for folder in folders] == ["2"]
    finally:
        server.stop()


def test_sigterm_hands_work_back(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data", CHORUS_SHUTDOWN_GRACE_S="0").start()
    try:
        key = server.new_key("term")
        with server.client(key) as client:
            task_id = submit(client, {"prompt": "[Verse]\npause here\ngo on", "duration": 10})
        wait_status(server, key, task_id, "IN_PROGRESS")
        started = time.monotonic()
        # uvicorn re-raises SIGTERM after its graceful shutdown, so -15 is a clean exit.
        assert server.stop() in (0, -15)
        assert time.monotonic() - started < 20
        assert "Application shutdown complete" in server.log.read_text()
        server.start()
        with server.client(key) as client:
            task = wait_until(client, [task_id], timeout_s=240)[task_id]
        assert task["status"] == "SUCCESS"
        assert_consistent(task)
    finally:
        server.stop()


def test_timeout_fails_the_task_with_a_reason(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data", CHORUS_TASK_TIMEOUT_S="1").start()
    try:
        key = server.new_key("slow")
        with server.client(key) as client:
            task_id = submit(client, {"prompt": "[Verse]\ntoo slow\nfor this", "duration": 60})
            task = wait_until(client, [task_id], timeout_s=60)[task_id]
        assert task["status"] == "FAILURE" and "timed out" in task["fail_reason"]
        assert_consistent(task)
    finally:
        server.stop()


def test_admin_key_is_generated_once_and_printed(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data")
    server.env.pop("CHORUS_ADMIN_KEY")
    server.start()
    try:
        lines = [line for line in server.log.read_text().splitlines() if "admin key" in line]
        assert len(lines) == 1
        generated = lines[0].rsplit(" ", 1)[-1]
        assert generated != ADMIN_KEY
        with server.client(generated) as admin:
            assert admin.post("/admin/keys", json={"name": "first"}).status_code == 201
        server.stop()
        server.start()
        lines = [line for line in server.log.read_text().splitlines() if "admin key" in line]
        assert len(lines) == 1
        with server.client(generated) as admin:
            assert admin.get("/admin/keys/first").status_code == 200
    finally:
        server.stop()
