"""Observability of a real server: health answers, a request id on every answer, metrics
that move with the work, and JSON log lines carrying the task id and key name."""

from __future__ import annotations

import json
import re
import time

from chorus.config import Settings
from live_server import LiveServer, submit, wait_until


def scrape(server: LiveServer) -> dict[str, float]:
    with server.client() as client:
        answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    values: dict[str, float] = {}
    for line in answer.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def test_health_and_readiness(server: LiveServer) -> None:
    with server.client() as client:
        health = client.get("/healthz")
        ready = client.get("/readyz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert set(ready.json()["checks"]) == {"database", "worker"}
    assert all(check["ok"] for check in ready.json()["checks"].values())


def test_every_answer_carries_a_request_id(server: LiveServer) -> None:
    key = server.new_key("request-ids")
    with server.client(key) as client, server.client() as anonymous:
        answers = [
            client.post("/suno/submit/lyrics", json={"prompt": "ids"}),
            client.get("/suno/fetch/nope"),
            anonymous.get("/suno/fetch/nope"),
            client.get("/nowhere"),
            client.post("/suno/submit/lyrics", content=b"x" * 300_000),
            anonymous.get("/healthz"),
        ]
        echoed = client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
        hostile = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    ids = [answer.headers.get("x-request-id") for answer in answers]
    assert [a.status_code for a in answers] == [200, 404, 401, 404, 413, 200]
    assert all(ids) and len(set(ids)) == len(ids)
    assert echoed.headers["x-request-id"] == "trace-abc.123"
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])


def test_metrics_move_with_the_work(server: LiveServer) -> None:
    done = 'chorus_tasks_total{action="LYRICS",status="SUCCESS"}'
    before = scrape(server)
    key = server.new_key("metrics-mover", credits=10)
    with server.client(key) as client:
        ids = [submit(client, {"prompt": f"count me {n}"}, "lyrics") for n in range(2)]
        wait_until(client, ids)
    time.sleep(0.2)
    after = scrape(server)
    assert after.get(done, 0) - before.get(done, 0) >= 2
    submitted = 'chorus_tasks_total{action="LYRICS",status="SUBMITTED"}'
    assert after[submitted] - before.get(submitted, 0) >= 2
    spent = "chorus_credits_spent_total"
    assert after[spent] - before.get(spent, 0) >= 2 * Settings().price_lyrics
    route = 'chorus_http_requests_total{method="POST",route="/suno/submit/lyrics",status="200"}'
    assert after[route] - before.get(route, 0) >= 2
    finished = 'chorus_task_duration_seconds_count{action="LYRICS"}'
    assert after[finished] - before.get(finished, 0) >= 2
    assert "chorus_queue_depth" in after


def test_json_logs_carry_task_and_key(server: LiveServer) -> None:
    key = server.new_key("log-reader")
    with server.client(key) as client:
        task_id = submit(client, {"prompt": "log me"}, "lyrics")
        wait_until(client, [task_id])
    time.sleep(0.2)
    entries = []
    for line in server.log.read_text().splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    mine = [e for e in entries if e.get("task_id") == task_id]
    assert mine, "no log line names the task"
    assert all(e["key_name"] == "log-reader" for e in mine)
    assert any("SUCCESS" in e["message"] for e in mine)
    assert all({"ts", "level", "logger", "message"} <= set(e) for e in entries)
