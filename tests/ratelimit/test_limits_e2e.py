"""Limits on a real server: per-key submit and fetch rates answer 429 with Retry-After,
a key's cap on unfinished tasks answers 429, and a full queue answers 503; a refused
submit creates no task and charges nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from live_server import ADMIN_KEY, LiveServer, submit


def tasks_of(server: LiveServer, name: str) -> list[str]:
    with server.client(ADMIN_KEY) as admin:
        return [t["task_id"] for t in admin.get("/admin/tasks", params={"key": name}).json()]


def test_submit_rate_per_key(server: LiveServer) -> None:
    key = server.new_key("rate-submit", credits=100, rate_submit_per_min=3)
    other = server.new_key("rate-other", credits=100, rate_submit_per_min=3)
    with server.client(key) as client, server.client(other) as bystander:
        for n in range(3):
            submit(client, {"prompt": f"idea {n}"}, "lyrics")
        refused = client.post("/suno/submit/lyrics", json={"prompt": "one too many"})
        # Another key has its own budget.
        submit(bystander, {"prompt": "mine is fine"}, "lyrics")
        # Fetching is a different budget from submitting.
        assert client.post("/suno/fetch", json={"ids": []}).status_code == 200
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    retry_after = int(refused.headers["Retry-After"])
    # 3 per minute: the next one is allowed about 20 s later.
    assert 1 <= retry_after <= 20
    assert len(tasks_of(server, "rate-submit")) == 3
    with server.client(ADMIN_KEY) as admin:
        assert admin.get("/admin/keys/rate-submit").json()["credits"] == 100 - 3


def test_fetch_rate_is_separate_and_gentler(server: LiveServer) -> None:
    key = server.new_key("rate-fetch", rate_submit_per_min=2, rate_fetch_per_min=5)
    with server.client(key) as client:
        task_id = submit(client, {"prompt": "poll me"}, "lyrics")
        answers = [client.get(f"/suno/fetch/{task_id}") for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    assert answers[5].status_code == 429 and int(answers[5].headers["Retry-After"]) >= 1


def test_unfinished_tasks_per_key(server: LiveServer) -> None:
    key = server.new_key("rate-running", credits=100, max_running=1)
    with server.client(key) as client, server.client(ADMIN_KEY) as admin:
        first = submit(client, {"prompt": "[Verse]\nlong one", "tags": "rock", "duration": 120})
        refused = client.post("/suno/submit/lyrics", json={"prompt": "wait your turn"})
        admin.post(f"/admin/tasks/{first}/cancel")
        after = client.post("/suno/submit/lyrics", json={"prompt": "my turn"})
    assert refused.status_code == 429 and refused.json()["code"] == "concurrency_limit"
    assert "1 unfinished" in refused.json()["message"]
    assert "Retry-After" in refused.headers
    assert after.status_code == 200
    with server.client(ADMIN_KEY) as admin:
        reasons = [
            e["reason"] for e in admin.get("/admin/ledger", params={"key": "rate-running"}).json()
        ]
    # grant, the first charge, its refund and the last charge: nothing for the refusal.
    assert sorted(reasons) == ["charge", "charge", "grant", "refund"]


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("small"),
        CHORUS_WORKERS="1",
        CHORUS_MAX_QUEUE="2",
        CHORUS_METRICS_TOKEN="scrape-me",
    ).start()
    try:
        yield live
    finally:
        live.stop()


def test_a_full_queue_answers_503(small_server: LiveServer) -> None:
    key = small_server.new_key("queue-filler", credits=1000)
    body = {"prompt": "[Verse]\nstand in line", "tags": "pop", "duration": 120}
    with small_server.client(key) as client, small_server.client(ADMIN_KEY) as admin:
        running = submit(client, body)
        deadline = time.monotonic() + 60
        # One render slot: once the first task holds it, the next ones wait.
        while admin.get(f"/admin/tasks/{running}").json()["start_time"] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        waiting = [submit(client, body), submit(client, body)]
        busy = client.post("/suno/submit/music", json=body)
        for task_id in [running, *waiting]:
            admin.post(f"/admin/tasks/{task_id}/cancel")
        after = client.post("/suno/submit/lyrics", json={"prompt": "room again"})
    assert busy.status_code == 503 and busy.json()["code"] == "service_busy"
    assert "busy" in busy.json()["message"] and int(busy.headers["Retry-After"]) >= 1
    assert after.status_code == 200
    assert len(tasks_of(small_server, "queue-filler")) == 4


def test_metrics_token(small_server: LiveServer) -> None:
    with small_server.client() as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert answer.status_code == 200 and "chorus_queue_depth" in answer.text
