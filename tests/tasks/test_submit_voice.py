"""The ``voice`` submit field (Chorus's own): the singer the engine uses."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from live_server import LiveServer, submit, wait_until


@pytest.mark.parametrize("voice", ["female", "male"])
def test_voice_reaches_the_engine(
    server: LiveServer, make_key: Callable[..., str], voice: str
) -> None:
    # Tags that name the other voice: the explicit field wins.
    other = "male" if voice == "female" else "female"
    body = {"prompt": "[Verse]\nHello little star", "tags": f"pop, {other} vocals", "voice": voice}
    with server.client(make_key(credits=1000)) as api:
        task_id = submit(api, body)
        task = wait_until(api, [task_id])[task_id]
    assert task["status"] == "SUCCESS", task
    for clip in task["data"]:
        summaries = list((server.data_dir / "media" / clip["id"]).glob("*/summary.json"))
        assert [json.loads(s.read_text())["voice"] for s in summaries] == [voice]


def test_unknown_voice_is_refused(server: LiveServer, make_key: Callable[..., str]) -> None:
    with server.client(make_key(credits=1000)) as api:
        answer = api.post("/suno/submit/music", json={"prompt": "la la", "voice": "robot"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("voice:")
