"""Every submit mode, end to end through a real server rendering real 10 s clips."""

from __future__ import annotations

from typing import Any

import pytest

from live_server import LiveServer, submit, wait_until

CUSTOM_LYRICS = (
    "[Verse]\nWalking down the streets\nBeneath the city lights\n\n"
    "[Chorus]\nHeart beating faster\nI'm alive tonight"
)
Finished = tuple[str, dict[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def finished(server: LiveServer) -> Finished:
    key = server.new_key("modes")
    with server.client(key) as client:
        ids = {
            "inspiration": submit(
                client, {"gpt_description_prompt": "the sea at night", "mv": "chirp-v4"}
            ),
            "custom": submit(
                client,
                {
                    "prompt": CUSTOM_LYRICS,
                    "tags": "emotional punk",
                    "title": "City Lights",
                    "negative_tags": "piano",
                    "mv": "chirp-v3-5",
                },
            ),
            "instrumental": submit(
                client,
                {
                    "make_instrumental": True,
                    "tags": "lofi hip hop",
                    "title": "Study",
                    "mv": "chirp-auk",
                },
            ),
            "from_title": submit(client, {"prompt": "", "tags": "folk", "title": "Morning Road"}),
            "lyrics": submit(client, {"prompt": "a song about trains"}, kind="lyrics"),
        }
        done = wait_until(client, ids.values(), timeout_s=400)
        custom = done[ids["custom"]]
        ids["extend"] = submit(
            client,
            {
                "continue_clip_id": custom["data"][0]["id"],
                "continue_at": 5.0,
                "task_id": ids["custom"],
                "task": "extend",
                "prompt": "[Verse]\nAnd the night goes on\nUntil the dawn",
            },
        )
        done.update(wait_until(client, [ids["extend"]], timeout_s=200))
    return key, {mode: done[task_id] for mode, task_id in ids.items()}


MUSIC_MODES = ["inspiration", "custom", "instrumental", "from_title", "extend"]


@pytest.mark.parametrize("mode", MUSIC_MODES)
def test_music_task_succeeds_with_two_clips(finished: Finished, mode: str) -> None:
    task = finished[1][mode]
    assert task["status"] == "SUCCESS", task["fail_reason"]
    assert task["progress"] == "100%"
    assert task["action"] == "MUSIC"
    assert 0 < task["submit_time"] <= task["start_time"] <= task["finish_time"]
    clips = task["data"]
    assert len(clips) == 2 and clips[0]["id"] != clips[1]["id"]
    for clip in clips:
        assert clip["status"] == "complete"
        assert 8.0 <= clip["metadata"]["duration"] <= 14.0
        assert clip["audio_url"].endswith("/audio.mp3")
        assert clip["is_video_pending"] is False


def test_inspiration_mode_writes_title_tags_and_lyrics(finished: Finished) -> None:
    task = finished[1]["inspiration"]
    for clip in task["data"]:
        assert clip["title"] and clip["metadata"]["tags"] and "[" in clip["metadata"]["prompt"]
        assert clip["metadata"]["gpt_description_prompt"] == "the sea at night"
        assert clip["major_model_version"] == "v4"
    assert task["data"][0]["metadata"]["prompt"] == task["data"][1]["metadata"]["prompt"]


def test_custom_mode_keeps_what_was_given(finished: Finished) -> None:
    for clip in finished[1]["custom"]["data"]:
        assert clip["title"] == "City Lights"
        assert clip["metadata"]["tags"] == "emotional punk"
        assert clip["metadata"]["negative_tags"] == "piano"
        assert clip["metadata"]["prompt"] == CUSTOM_LYRICS
        assert clip["metadata"]["gpt_description_prompt"] is None
        assert (clip["model_name"], clip["major_model_version"]) == ("chirp-v3", "v3.5")


def test_instrumental_has_no_lyrics(finished: Finished) -> None:
    for clip in finished[1]["instrumental"]["data"]:
        assert clip["metadata"]["prompt"] == ""
        assert clip["metadata"]["make_instrumental"] is True
        assert clip["mv"] == "chirp-auk"


def test_custom_mode_without_lyrics_sings_lyrics_written_from_the_title(
    finished: Finished,
) -> None:
    for clip in finished[1]["from_title"]["data"]:
        assert clip["title"] == "Morning Road"
        assert clip["metadata"]["prompt"].strip()


def test_extend_continues_the_earlier_clip(finished: Finished) -> None:
    earlier = finished[1]["custom"]["data"][0]
    for clip in finished[1]["extend"]["data"]:
        assert clip["metadata"]["history"][0]["id"] == earlier["id"]
        assert clip["metadata"]["history"][0]["continue_at"] == 5.0
        assert clip["title"] == "City Lights"


def test_lyrics_task_writes_lyrics(finished: Finished) -> None:
    task = finished[1]["lyrics"]
    assert (task["status"], task["action"], task["progress"]) == ("SUCCESS", "LYRICS", "100%")
    assert task["data"]["id"] == task["task_id"]
    assert task["data"]["status"] == "complete"
    assert task["data"]["title"] and "[" in task["data"]["text"]


def test_unknown_model_is_refused_naming_the_valid_ones(server: LiveServer) -> None:
    with server.client(server.new_key("mv")) as client:
        answer = client.post("/suno/submit/music", json={"prompt": "la", "mv": "chirp-v9"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid_request" and body["data"] is None
    assert body["message"].startswith("mv:") and "chirp-v3-5" in body["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "gpt_description_prompt"),
        ({"continue_clip_id": "nope", "continue_at": 3}, "continue_clip_id"),
        ({"prompt": "la", "task": "cover"}, "task"),
        ({"prompt": "la", "notify_hook": "ftp://x"}, "notify_hook"),
        ({"prompt": "la", "title": "x" * 201}, "title"),
        ({"prompt": "la", "duration": 5}, "duration"),
        ({"prompt": "la", "make_instrumental": "maybe"}, "make_instrumental"),
        ({"prompt": 3}, "prompt"),
    ],
)
def test_bad_submit_names_the_field(server: LiveServer, body: dict[str, Any], field: str) -> None:
    with server.client(server.new_key(f"bad-{field}")) as client:
        answer = client.post("/suno/submit/music", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid_request"
    assert answer.json()["message"].startswith(f"{field}:")


def test_extend_needs_continue_at_and_the_right_task(
    server: LiveServer, finished: Finished
) -> None:
    key, done = finished
    clip_id = done["custom"]["data"][0]["id"]
    with server.client(key) as client:
        missing_at = client.post("/suno/submit/music", json={"continue_clip_id": clip_id})
        wrong_task = client.post(
            "/suno/submit/music",
            json={
                "continue_clip_id": clip_id,
                "continue_at": 1,
                "task_id": done["lyrics"]["task_id"],
            },
        )
        too_far = client.post(
            "/suno/submit/music", json={"continue_clip_id": clip_id, "continue_at": 400}
        )
    assert missing_at.json()["message"].startswith("continue_at:")
    assert wrong_task.json()["message"].startswith("task_id:")
    assert too_far.json()["message"].startswith("continue_at:")
    with server.client(server.new_key("stranger")) as client:
        foreign = client.post(
            "/suno/submit/music", json={"continue_clip_id": clip_id, "continue_at": 1}
        )
    assert foreign.status_code == 400
    assert foreign.json()["message"].startswith("continue_clip_id:")


def test_lyrics_need_a_prompt(server: LiveServer) -> None:
    with server.client(server.new_key("lyr")) as client:
        for body in ({"prompt": "   "}, {}):
            answer = client.post("/suno/submit/lyrics", json=body)
            assert answer.status_code == 400
            assert answer.json()["message"].startswith("prompt:")


def test_the_clips_shared_scratch_space_is_gone_when_their_tasks_are(
    server: LiveServer, finished: Finished
) -> None:
    shared = server.data_dir / "media" / ".shared"
    for task in finished[1].values():
        assert not (shared / task["task_id"]).exists()
    # The sung clips made their speech there while rendering: the folder was used.
    assert shared.is_dir()
