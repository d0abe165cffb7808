"""notify_hook callbacks end to end: a real server on loopback calling a real receiver.

Every status change is posted signed (Standard Webhooks, the key's secret), as fetch
shows the task; a receiver that is down, slow, then failing gets the newest status once
it recovers, never an older one after a newer, and a restart in between loses nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from _switch_receiver import Hit, SwitchReceiver

from chorus.webhooks import STATUS_RANK, verify
from live_server import ADMIN_KEY, LiveServer, free_port, submit, wait_until

HOOK_ENV = {
    "CHORUS_HOOKS_ALLOW_PRIVATE": "1",
    "CHORUS_HOOKS_TIMEOUT_S": "1",
    "CHORUS_HOOKS_RETRY_BASE_S": "0.3",
    "CHORUS_HOOKS_RETRY_MAX_DELAY_S": "1",
    "CHORUS_HOOKS_POLL_S": "0.1",
}


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("hooks"), **HOOK_ENV).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def receiver() -> Iterator[SwitchReceiver]:
    rec = SwitchReceiver(free_port())
    try:
        yield rec
    finally:
        rec.down()


def key_details(server: LiveServer, name: str) -> dict[str, Any]:
    with server.client(ADMIN_KEY) as admin:
        answer = admin.get(f"/admin/keys/{name}")
    assert answer.status_code == 200, answer.text
    details: dict[str, Any] = answer.json()
    return details


def deliveries(server: LiveServer, task_id: str) -> list[dict[str, Any]]:
    with server.client(ADMIN_KEY) as admin:
        answer = admin.get("/admin/deliveries", params={"task_id": task_id})
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


def assert_in_order(hits: list[Hit]) -> None:
    """Versions never go back: a retry repeats one, a newer status raises it."""
    versions = [(hit.headers["webhook-id"], hit.payload["data"]["status"]) for hit in hits]
    seen: list[str] = []
    for msg_id, _status in versions:
        if msg_id in seen:
            assert msg_id == seen[-1], f"an older delivery came back after a newer: {versions}"
        else:
            seen.append(msg_id)
    ranks = [STATUS_RANK[status] for _, status in versions]
    assert ranks == sorted(ranks), versions


def test_every_status_change_is_posted_signed_as_fetch_shows_it(
    hook_server: LiveServer, receiver: SwitchReceiver
) -> None:
    receiver.up()
    name = "hook-happy"
    key = hook_server.new_key(name, dialect="flat")
    secret = key_details(hook_server, name)["webhook_secret"]
    assert secret.startswith("whsec_")
    with hook_server.client(key) as client:
        task_id = submit(
            client, {"prompt": "a song about kites", "notify_hook": receiver.url}, "lyrics"
        )
        wait_until(client, [task_id])
        receiver.wait_for(
            lambda: any(h.payload["data"]["status"] == "SUCCESS" for h in receiver.delivered())
        )
        fetched = client.get(f"/suno/fetch/{task_id}")
    hits = receiver.delivered()
    for hit in hits:
        verify(secret, hit.headers, hit.body)
        assert hit.headers["Content-Type"] == "application/json"
    assert_in_order(hits)
    # The final callback is byte for byte what fetch answers.
    assert hits[-1].body == fetched.content
    assert hits[-1].payload["data"]["task_id"] == task_id
    with pytest.raises(Exception, match="signature"):
        verify(secret, hits[-1].headers, hits[-1].body + b" ")
    stored = deliveries(hook_server, task_id)
    assert {d["id"] for d in stored} >= {h.headers["webhook-id"] for h in hits}
    final = next(d for d in stored if d["task_status"] == "SUCCESS")
    assert final["state"] == "delivered" and final["last_status_code"] == 200


def test_receiver_down_slow_failing_then_up_across_a_restart(
    hook_server: LiveServer, receiver: SwitchReceiver
) -> None:
    key = hook_server.new_key("hook-flaky")
    secret = key_details(hook_server, "hook-flaky")["webhook_secret"]
    with hook_server.client(key) as client:
        task_id = submit(
            client, {"prompt": "rain on the roof", "notify_hook": receiver.url}, "lyrics"
        )
        wait_until(client, [task_id])

    def failed_attempts() -> list[str]:
        with hook_server.client(ADMIN_KEY) as admin:
            stored = [
                admin.get(f"/admin/deliveries/{d['id']}").json()
                for d in deliveries(hook_server, task_id)
            ]
        return [a["error"] for d in stored for a in d["attempt_log"] if a["error"]]

    def wait_failures(text: str) -> None:
        deadline = time.monotonic() + 20
        while not any(text in error for error in failed_attempts()):
            assert time.monotonic() < deadline, failed_attempts()
            time.sleep(0.1)

    wait_failures("connection failed")  # down: nothing listens
    receiver.mode = "slow"
    receiver.up()
    wait_failures("timed out")
    receiver.mode = "fail"
    wait_failures("HTTP 500")
    assert receiver.delivered() == []
    # A crash while the receiver still fails: the retries are rows, they resume.
    hook_server.kill()
    receiver.mode = "ok"
    hook_server.start()
    receiver.wait_for(lambda: len(receiver.delivered()) >= 1)
    time.sleep(1.0)  # anything older would come now; nothing must
    delivered = receiver.delivered()
    assert [h.payload["data"]["status"] for h in delivered] == ["SUCCESS"]
    for hit in delivered:
        verify(secret, hit.headers, hit.body)
    assert_in_order(receiver.hits)
    states = {d["task_status"]: d["state"] for d in deliveries(hook_server, task_id)}
    assert states["SUCCESS"] == "delivered"
    assert all(state == "superseded" for status, state in states.items() if status != "SUCCESS")


def test_redirects_are_not_followed_and_the_admin_can_redeliver(
    hook_server: LiveServer, receiver: SwitchReceiver
) -> None:
    receiver.mode = "redirect"
    receiver.up()
    key = hook_server.new_key("hook-redirect")
    with hook_server.client(key) as client:
        task_id = submit(
            client, {"prompt": "a winding road", "notify_hook": receiver.url}, "lyrics"
        )
        wait_until(client, [task_id])
    receiver.wait_for(lambda: len(receiver.hits) >= 2)

    def final_delivery() -> dict[str, Any] | None:
        found = deliveries(hook_server, task_id)
        return next((d for d in found if d["task_status"] == "SUCCESS"), None)

    # The hits may be of earlier statuses: wait until the final one was tried too.
    receiver.wait_for(lambda: bool((final_delivery() or {}).get("last_error")))
    final = final_delivery()
    assert final is not None
    assert "redirect" in final["last_error"] and final["state"] == "pending"
    assert all(hit.headers.get("Host", "").endswith(str(receiver.port)) for hit in receiver.hits)
    receiver.mode = "ok"
    receiver.wait_for(lambda: len(receiver.delivered()) == 1)
    first = receiver.delivered()[0]
    with hook_server.client(ADMIN_KEY) as admin:
        again = admin.post(f"/admin/deliveries/{first.headers['webhook-id']}/redeliver")
        assert again.status_code == 200, again.text
        receiver.wait_for(lambda: len(receiver.delivered()) == 2)
        missing = admin.post("/admin/deliveries/msg_nope/redeliver")
    second = receiver.delivered()[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    assert second.body == first.body
    assert missing.status_code == 404


def test_hook_client_refuses_what_the_operator_did_not_allow(hook_server: LiveServer) -> None:
    """Even with private addresses allowed, a hook must be an http(s) URL with a host."""
    key = hook_server.new_key("hook-shape")
    with hook_server.client(key) as client:
        for url in ("ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http:///nohost"):
            answer = client.post("/suno/submit/lyrics", json={"prompt": "x", "notify_hook": url})
            assert answer.status_code == 400, (url, answer.text)
            assert answer.json()["message"].startswith("notify_hook")
