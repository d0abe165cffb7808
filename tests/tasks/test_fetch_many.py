"""Batch fetch: order kept, unknown ids and other keys' tasks left out, action filter,
at most 100 ids."""

from __future__ import annotations

import uuid

from live_server import LiveServer, submit


def test_batch_fetch_keeps_order_and_leaves_out_what_is_not_ours(server: LiveServer) -> None:
    mine, theirs = server.new_key("batch-mine"), server.new_key("batch-theirs")
    with server.client(mine) as client, server.client(theirs) as other:
        lyrics = [submit(client, {"prompt": f"idea {n}"}, kind="lyrics") for n in range(3)]
        music = submit(client, {"prompt": "[Verse]\nla la la", "tags": "pop"})
        foreign = submit(other, {"prompt": "not yours"}, kind="lyrics")
        unknown = str(uuid.uuid4())
        asked = [lyrics[2], unknown, music, foreign, lyrics[0], lyrics[2], lyrics[1]]
        answer = client.post("/suno/fetch", json={"ids": asked})
        only_lyrics = client.post("/suno/fetch", json={"ids": asked, "action": "LYRICS"})
        only_music = client.post("/suno/fetch", json={"ids": asked, "action": "MUSIC"})
        flat = client.post("/suno/fetch", params={"dialect": "goapi"}, json={"ids": asked})
        empty = client.post("/suno/fetch", json={"ids": []})
    assert answer.status_code == 200
    assert answer.json()["code"] == "success"
    got = [task["task_id"] for task in answer.json()["data"]]
    assert got == [lyrics[2], music, lyrics[0], lyrics[1]]
    assert [t["task_id"] for t in only_lyrics.json()["data"]] == [lyrics[2], lyrics[0], lyrics[1]]
    assert [t["task_id"] for t in only_music.json()["data"]] == [music]
    assert flat.json()["code"] == 200
    assert [t["task_id"] for t in flat.json()["data"]] == got
    assert empty.json()["data"] == []


def test_batch_fetch_limits(server: LiveServer) -> None:
    with server.client(server.new_key("batch-limit")) as client:
        too_many = client.post("/suno/fetch", json={"ids": [str(n) for n in range(101)]})
        hundred = client.post("/suno/fetch", json={"ids": [str(n) for n in range(100)]})
        bad_action = client.post("/suno/fetch", json={"ids": ["x"], "action": "VIDEO"})
        not_a_list = client.post("/suno/fetch", json={"ids": "abc"})
        not_strings = client.post("/suno/fetch", json={"ids": [{"a": 1}]})
    assert too_many.status_code == 400
    assert too_many.json()["message"].startswith("ids:")
    assert hundred.status_code == 200 and hundred.json()["data"] == []
    assert bad_action.status_code == 400 and bad_action.json()["message"].startswith("action:")
    assert not_a_list.status_code == 400 and not_a_list.json()["message"].startswith("ids")
    assert not_strings.status_code == 400 and not_strings.json()["message"].startswith("ids.0")
