"""Credits through every path of a real server: the starting balance, a charge per
submit at each action's price, 402 with no task when short, SUCCESS keeps the charge,
a cancel refunds once, and every change is a ledger row the admin lists."""

from __future__ import annotations

from typing import Any

from chorus.config import Settings
from live_server import ADMIN_KEY, LiveServer, submit, wait_until

PRICES = Settings()


def balance(server: LiveServer, name: str) -> int:
    with server.client(ADMIN_KEY) as admin:
        return int(admin.get(f"/admin/keys/{name}").json()["credits"])


def ledger(server: LiveServer, name: str) -> list[dict[str, Any]]:
    with server.client(ADMIN_KEY) as admin:
        answer = admin.get("/admin/ledger", params={"key": name, "limit": 500})
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows[::-1]  # oldest first


def test_a_new_key_gets_the_default_balance(server: LiveServer) -> None:
    server.new_key("credits-default")
    assert balance(server, "credits-default") == PRICES.default_key_credits
    assert [(r["reason"], r["delta"]) for r in ledger(server, "credits-default")] == [
        ("grant", PRICES.default_key_credits)
    ]


def test_charges_refusal_success_and_cancel_refund(server: LiveServer) -> None:
    name = "credits-paths"
    start = PRICES.price_lyrics + PRICES.price_music + PRICES.price_music - 1
    key = server.new_key(name, credits=start)
    with server.client(key) as client, server.client(ADMIN_KEY) as admin:
        lyrics = submit(client, {"prompt": "a song about coins"}, "lyrics")
        music = submit(
            client, {"prompt": "[Verse]\npay the piper", "tags": "folk", "duration": 120}
        )
        assert balance(server, name) == start - PRICES.price_lyrics - PRICES.price_music
        short = client.post("/suno/submit/music", json={"prompt": "[Verse]\none more"})
        assert short.status_code == 402
        assert short.json()["code"] == "quota_not_enough"
        assert str(PRICES.price_music) in short.json()["message"]
        assert short.json()["message"].startswith("credits:")
        tasks = admin.get("/admin/tasks", params={"key": name}).json()
        assert sorted(t["task_id"] for t in tasks) == sorted([lyrics, music])
        # Cancel while the song is surely still being made (it renders for seconds).
        cancelled = admin.post(f"/admin/tasks/{music}/cancel")
        assert cancelled.status_code == 200, (
            cancelled.text,
            admin.get(f"/admin/tasks/{music}").text,
        )
        assert cancelled.json()["status"] == "FAILURE"
        again = admin.post(f"/admin/tasks/{music}/cancel")
        assert again.status_code == 409 and again.json()["code"] == "task_finished"
        fetched = client.get(f"/suno/fetch/{music}").json()["data"]
        assert fetched["status"] == "FAILURE" and "cancelled" in fetched["fail_reason"]
        assert {clip["status"] for clip in fetched["data"]} == {"error"}
        done = wait_until(client, [lyrics])
        assert done[lyrics]["status"] == "SUCCESS"
    # The lyrics task keeps its charge; the cancelled one is refunded once.
    assert balance(server, name) == start - PRICES.price_lyrics
    rows = [(r["reason"], r["delta"], r["task_id"]) for r in ledger(server, name)]
    assert rows == [
        ("grant", start, None),
        ("charge", -PRICES.price_lyrics, lyrics),
        ("charge", -PRICES.price_music, music),
        ("refund", PRICES.price_music, music),
    ]
    entries = ledger(server, name)
    assert entries[-1]["balance_after"] == balance(server, name)
    assert sum(r["delta"] for r in entries) == balance(server, name)
    with server.client(ADMIN_KEY) as admin:
        inspected = admin.get(f"/admin/tasks/{music}").json()
    assert [(c["reason"], c["delta"]) for c in inspected["credits"]] == [
        ("charge", -PRICES.price_music),
        ("refund", PRICES.price_music),
    ]


def test_admin_sets_the_balance_as_an_adjustment(server: LiveServer) -> None:
    name = "credits-adjust"
    key = server.new_key(name, credits=0)
    with server.client(key) as client:
        refused = client.post("/suno/submit/lyrics", json={"prompt": "broke"})
        assert refused.status_code == 402
    with server.client(ADMIN_KEY) as admin:
        answer = admin.put(f"/admin/keys/{name}/credits", json={"credits": 7, "note": "top up"})
        assert answer.status_code == 200 and answer.json()["credits"] == 7
        bad = admin.put(f"/admin/keys/{name}/credits", json={"credits": -1})
        assert bad.status_code == 400 and bad.json()["message"].startswith("credits")
    with server.client(key) as client:
        submit(client, {"prompt": "rich now"}, "lyrics")
    assert balance(server, name) == 7 - PRICES.price_lyrics
    reasons = [(r["reason"], r["delta"], r["note"]) for r in ledger(server, name)]
    assert reasons == [("adjust", 7, "top up"), ("charge", -PRICES.price_lyrics, "LYRICS")]
