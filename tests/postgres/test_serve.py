"""``chorus serve`` on PostgreSQL: real songs, lyrics, batch fetch, the per-key cap under
concurrent submits, cancels refunded once, callbacks sent once by two service processes
sharing the database, and a task resumed after kill -9."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from chorus.webhooks import verify
from live_server import ADMIN_KEY, LiveServer, fetch, submit, wait_until

pytestmark = pytest.mark.postgres

ENV = {
    "CHORUS_HOOKS_ALLOW_PRIVATE": "1",
    "CHORUS_HOOKS_POLL_S": "0.05",
    "CHORUS_MAX_ATTEMPTS": "3",
}


@pytest.fixture(scope="module")
def pg_server(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("pg-serve"), CHORUS_DATABASE_URL=pg_url, **ENV
    ).start()
    try:
        yield live
    finally:
        live.stop()


def admin_get(server: LiveServer, path: str, **params: Any) -> Any:
    with server.client(ADMIN_KEY) as admin:
        answer = admin.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_song_lyrics_batch_fetch_and_search(pg_server: LiveServer) -> None:
    key = pg_server.new_key("pg-songs")
    with pg_server.client(key) as client:
        music = submit(client, {
            "prompt": "[Verse]\nrain on the window\n[Chorus]\nsing it loud",
            "tags": "Synth Pop", "title": "Window Rain", "duration": 10,
        })  # fmt: skip
        lyrics = submit(client, {"prompt": "a song about the harbour at night"}, "lyrics")
        done = wait_until(client, [music, lyrics], timeout_s=240)
        song = done[music]
        assert song["status"] == "SUCCESS", song["fail_reason"]
        assert [clip["status"] for clip in song["data"]] == ["complete", "complete"]
        for clip in song["data"]:
            assert 8 <= clip["metadata"]["duration"] <= 13
            audio = client.get(clip["audio_url"])
            assert audio.status_code == 200
            assert audio.headers["content-type"] == "audio/mpeg"
            assert len(audio.content) > 10_000
        words = done[lyrics]
        assert words["status"] == "SUCCESS", words["fail_reason"]
        assert words["data"]["text"].strip()
        batch = client.post("/suno/fetch", json={"ids": [music, lyrics, "no-such-task"]})
        assert batch.status_code == 200, batch.text
        found = {task["task_id"]: task["status"] for task in batch.json()["data"]}
        assert found == {music: "SUCCESS", lyrics: "SUCCESS"}
        # Search ignores case on PostgreSQL too (ILIKE), and takes "%" literally.
        hits = client.get("/api/library", params={"q": "sYNTH pop"}).json()["data"]
        assert [item["task_id"] for item in hits["items"]] == [music]
        assert client.get("/api/library", params={"q": "%"}).json()["data"]["total"] == 0
    ledger = admin_get(pg_server, "/admin/ledger", task_id=music)
    assert [entry["reason"] for entry in ledger] == ["charge"]


def test_concurrent_submits_meet_the_key_cap_and_cancels_refund_once(
    pg_server: LiveServer,
) -> None:
    cap, racers = 3, 10
    key = pg_server.new_key("pg-cap", credits=100, max_running=cap)
    barrier = threading.Barrier(racers)
    answers: list[httpx.Response] = []

    def submit_one(n: int) -> None:
        with pg_server.client(key) as client:
            body = {"prompt": f"[Verse]\nline {n}", "tags": "rock", "duration": 20}
            barrier.wait(30)
            answers.append(client.post("/suno/submit/music", json=body))

    threads = [threading.Thread(target=submit_one, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(a.status_code for a in answers) == {200: cap, 429: racers - cap}
    admitted = [a.json()["data"] for a in answers if a.status_code == 200]
    price = 10
    assert admin_get(pg_server, "/admin/keys/pg-cap")["credits"] == 100 - cap * price
    # Cancel each twice at once: one refund per task.
    with pg_server.client(ADMIN_KEY) as admin:
        for task_id in admitted:
            cancels = [
                threading.Thread(target=admin.post, args=(f"/admin/tasks/{task_id}/cancel",))
                for _ in range(2)
            ]
            for cancel in cancels:
                cancel.start()
            for cancel in cancels:
                cancel.join()
    with pg_server.client(key) as client:
        done = wait_until(client, admitted, timeout_s=60)
    assert {task["status"] for task in done.values()} == {"FAILURE"}
    for task_id in admitted:
        reasons = [e["reason"] for e in admin_get(pg_server, "/admin/ledger", task_id=task_id)]
        assert sorted(reasons) == ["charge", "refund"]
    assert admin_get(pg_server, "/admin/keys/pg-cap")["credits"] == 100


class _Hooks(ThreadingHTTPServer):
    """A hook receiver on loopback that keeps every request it gets."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _HookHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _HookHandler(BaseHTTPRequestHandler):
    server: _Hooks

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_two_processes_send_each_callback_once(
    pg_server: LiveServer, pg_url: str, tmp_path: Path
) -> None:
    hooks = _Hooks()
    threading.Thread(target=hooks.serve_forever, args=(0.05,), daemon=True).start()
    # A second service process on the same database: its delivery loop competes with the
    # first's for every delivery.
    other = LiveServer(tmp_path / "other", CHORUS_DATABASE_URL=pg_url, **ENV).start()
    try:
        key = pg_server.new_key("pg-hooks")
        secret = admin_get(pg_server, "/admin/keys/pg-hooks")["webhook_secret"]
        task_ids = []
        for server in (pg_server, other):
            with server.client(key) as client:
                ids = [
                    submit(client, {"prompt": f"a bridge {n}", "notify_hook": hooks.url}, "lyrics")
                    for n in range(3)
                ]
                done = wait_until(client, ids, timeout_s=120)
            assert {task["status"] for task in done.values()} == {"SUCCESS"}
            task_ids += ids
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            last = _last_status(hooks)
            if all(last.get(task_id) == "SUCCESS" for task_id in task_ids):
                break
            time.sleep(0.1)
    finally:
        other.stop()
        hooks.shutdown()
        hooks.server_close()
    with hooks.lock:
        received = list(hooks.received)
    ids = [headers["webhook-id"] for headers, _ in received]
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    for headers, body in received:
        verify(secret, headers, body)
    assert all(_last_status(hooks).get(task_id) == "SUCCESS" for task_id in task_ids)
    for task_id in task_ids:
        sent = admin_get(pg_server, "/admin/deliveries", task_id=task_id)
        delivered = [d for d in sent if d["state"] == "delivered"]
        assert delivered and all(d["attempts"] == 1 for d in delivered)
        assert {d["state"] for d in sent} <= {"delivered", "superseded"}


def _last_status(hooks: _Hooks) -> dict[str, str]:
    last: dict[str, str] = {}
    with hooks.lock:
        for _, body in hooks.received:
            task = json.loads(body)["data"]
            last[task["task_id"]] = task["status"]
    return last


def test_nul_characters_are_no_server_errors(pg_server: LiveServer) -> None:
    # PostgreSQL's text cannot hold NUL (SQLite's can): it is dropped on the way in.
    key = pg_server.new_key("pg-nul")
    with pg_server.client(key) as client:
        task_id = submit(client, {"prompt": "a song about\u0000 the sea"}, "lyrics")
        task = wait_until(client, [task_id], timeout_s=60)[task_id]
        assert task["status"] == "SUCCESS", task["fail_reason"]
        assert client.get("/suno/fetch/no%00such").json()["code"] == "task_not_exist"
        found = client.post("/suno/fetch", json={"ids": ["x\u0000"]})
        assert found.status_code == 200 and found.json()["data"] == []
        hits = client.get("/api/library", params={"q": "\u0000zzz"})
        assert hits.status_code == 200 and hits.json()["data"]["total"] == 0


def test_kill_9_mid_task_resumes_after_restart(pg_server: LiveServer) -> None:
    key = pg_server.new_key("pg-crash")
    with pg_server.client(key) as client:
        task_id = submit(client, {"prompt": "[Verse]\nfall down\nget up", "duration": 10})
        deadline = time.monotonic() + 120
        while fetch(client, task_id)["data"]["status"] != "IN_PROGRESS":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    pg_server.kill()
    pg_server.start()
    with pg_server.client(key) as client:
        task = wait_until(client, [task_id], timeout_s=240)[task_id]
    assert task["status"] == "SUCCESS", task["fail_reason"]
    assert [clip["status"] for clip in task["data"]] == ["complete", "complete"]
    details = admin_get(pg_server, f"/admin/tasks/{task_id}")
    assert details["attempts"] == 2
    assert [e["reason"] for e in admin_get(pg_server, "/admin/ledger", task_id=task_id)] == [
        "charge"
    ]
