"""Observed through fetches while a task renders: statuses only move forward, the task
never contradicts its clips, and progress moves through real values between 0 and 100."""

from __future__ import annotations

import time

from live_server import LiveServer, fetch, submit

ORDER = ["SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS"]
CLIP_ORDER = ["submitted", "queued", "streaming", "complete"]


def test_status_and_progress_move_forward(server: LiveServer) -> None:
    seen: list[tuple[str, int, list[str]]] = []
    with server.client(server.new_key("progress")) as client:
        task_id = submit(
            client, {"prompt": "[Verse]\nstep by step\nday by day", "tags": "pop", "duration": 90}
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            data = fetch(client, task_id)["data"]
            clips = [clip["status"] for clip in data["data"]]
            seen.append((data["status"], int(data["progress"].rstrip("%")), clips))
            if data["status"] in ("SUCCESS", "FAILURE"):
                break
            time.sleep(0.1)
    assert seen[-1][0] == "SUCCESS"
    ranks = [ORDER.index(status) for status, _, _ in seen]
    assert ranks == sorted(ranks)
    percents = [percent for _, percent, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert len({p for p in percents if 0 < p < 100}) >= 3
    for status, _, clips in seen:
        # The task shows the clip that is not complete (the most advanced one).
        pending = [c for c in clips if c != "complete"]
        if not pending:
            assert status == "SUCCESS"
        else:
            top = max(pending, key=CLIP_ORDER.index)
            assert ORDER[CLIP_ORDER.index(top)] == status
