"""The worker's lyrics writer on a real server configured with an OpenAI-compatible chat
API (a loopback fake): what the model wrote, cut to the length of the clips, is what the
clips sing whole and show in every dialect, and when the model fails the built-in writer
answers and the task records why."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chorus.lyrics.fit import form_for
from chorus.lyrics.llm import describe
from chorus.lyrics.song import parse
from live_server import ADMIN_KEY, LiveServer, fetch, submit, wait_until

_spec = importlib.util.spec_from_file_location(
    "fake_chat_api", Path(__file__).parents[1] / "lyrics" / "fake_chat_api.py"
)
assert _spec is not None and _spec.loader is not None
fake_chat_api = sys.modules.get("fake_chat_api") or importlib.util.module_from_spec(_spec)
if "fake_chat_api" not in sys.modules:
    sys.modules["fake_chat_api"] = fake_chat_api
    _spec.loader.exec_module(fake_chat_api)
GOOD: dict[str, str] = fake_chat_api.GOOD

IDEA = "a cat watching the city from a neon windowsill"
LLM_KEY = "sk-upstream-llm-key"
SONG_S = 10.0  # the test server's song length


def _cut_from_good(prompt: str) -> list[str]:
    """The words of ``prompt``, checked to be the model's lyrics cut short: its sections
    are sections of the answer, each with the answer's first lines, and fewer lines."""
    answer = parse(GOOD["lyrics"])
    kept = parse(prompt)
    assert kept
    for section in kept:
        source = next(s for s in answer if s.name == section.name)
        assert section.lines == source.lines[: len(section.lines)]
    assert sum(len(s.lines) for s in kept) < sum(len(s.lines) for s in answer)
    return [word.lower() for s in kept for line in s.lines for word in line.split()]


@pytest.fixture(scope="module")
def chat_api() -> Iterator[Any]:
    with fake_chat_api.FakeChatApi() as api:
        yield api


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory, chat_api: Any) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("chorus-llm"),
        CHORUS_LLM_BASE_URL=chat_api.base_url,
        CHORUS_LLM_API_KEY=LLM_KEY,
        CHORUS_LLM_MODEL="songwriter-1",
    ).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def tasks(llm_server: LiveServer, chat_api: Any) -> dict[str, Any]:
    """Tasks written by the model, then tasks submitted while it fails."""
    key = llm_server.new_key("llm-writer")
    with llm_server.client(key) as client:
        chat_api.behaviour = "good"
        good = {
            "idea": submit(client, {"gpt_description_prompt": IDEA}),
            "titled": submit(client, {"title": "Harbor Lights", "tags": "smooth jazz"}),
            "instrumental": submit(
                client, {"gpt_description_prompt": "rain on a tin roof", "make_instrumental": True}
            ),
            "lyrics": submit(client, {"prompt": IDEA}, kind="lyrics"),
        }
        wait_until(client, good.values(), timeout_s=300)
        asked_when_good = list(chat_api.requests)
        chat_api.behaviour = "http500"
        failing = {
            "lyrics_fallback": submit(client, {"prompt": "dancing in the neon light"}, "lyrics"),
            "titled_fallback": submit(client, {"title": "Paper Moon", "tags": "pop"}),
        }
        wait_until(client, failing.values(), timeout_s=300)
    return {"key": key, **good, **failing, "asked": asked_when_good}


def _admin_record(server: LiveServer, task_id: str) -> dict[str, Any]:
    with server.client(ADMIN_KEY) as admin:
        answer = admin.get(f"/admin/tasks/{task_id}")
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()
    return record


def _user_messages(requests: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for r in requests for m in r["messages"] if m["role"] == "user"]


def test_inspiration_clips_carry_what_the_model_wrote(
    llm_server: LiveServer, chat_api: Any, tasks: dict[str, Any]
) -> None:
    task_id = tasks["idea"]
    with llm_server.client(tasks["key"]) as client:
        suno = fetch(client, task_id)["data"]
        flat = fetch(client, task_id, dialect="flat")["data"]
        goapi = fetch(client, task_id, dialect="goapi")["data"]
        timing = client.get(f"/suno/act/timing/{suno['data'][0]['id']}").json()["data"]
    assert suno["status"] == "SUCCESS"
    # The model's lyrics, cut to what a 10 s song sings.
    prompt = suno["data"][0]["metadata"]["prompt"]
    written = _cut_from_good(prompt)
    for clip in suno["data"]:
        assert clip["title"] == GOOD["title"]
        assert clip["metadata"]["tags"] == GOOD["tags"]
        assert clip["metadata"]["prompt"] == prompt
        assert clip["metadata"]["gpt_description_prompt"] == IDEA
    for clip in flat["data"]:
        assert (clip["title"], clip["tags"], clip["prompt"]) == (
            GOOD["title"],
            GOOD["tags"],
            prompt,
        )
        assert clip["gpt_description_prompt"] == IDEA
    assert json.loads(goapi["input"])["gpt_description_prompt"] == IDEA
    for clip in goapi["clips"].values():
        assert clip["title"] == GOOD["title"] and clip["metadata"]["tags"] == GOOD["tags"]
        assert clip["metadata"]["prompt"] == prompt
        assert clip["metadata"]["gpt_description_prompt"] == IDEA
    # The engine sang every word the clip shows, and no other.
    sung = [w["word"].lower() for w in timing["aligned_words"]]
    assert sung == written
    record = _admin_record(llm_server, task_id)
    assert record["lyrics_source"] == "llm" and record["lyrics_note"] == ""
    # The configured model was asked, with the configured key, about the idea, for the
    # sections a song of this length sings.
    asked = [text for text in _user_messages(tasks["asked"]) if IDEA in text]
    assert asked and describe(form_for(SONG_S, IDEA)) in asked[0]
    assert {r["model"] for r in tasks["asked"]} == {"songwriter-1"}
    assert all(h["authorization"] == f"Bearer {LLM_KEY}" for h in chat_api.headers)


def test_custom_mode_without_lyrics_sings_lyrics_written_from_the_title(
    llm_server: LiveServer, tasks: dict[str, Any]
) -> None:
    with llm_server.client(tasks["key"]) as client:
        task = fetch(client, tasks["titled"])["data"]
    assert task["status"] == "SUCCESS"
    for clip in task["data"]:
        # The caller's title and tags stay; the lyrics are the model's, cut to the song.
        assert clip["title"] == "Harbor Lights" and clip["metadata"]["tags"] == "smooth jazz"
        _cut_from_good(clip["metadata"]["prompt"])
        assert clip["metadata"]["gpt_description_prompt"] is None
    assert any("Harbor Lights" in text for text in _user_messages(tasks["asked"]))
    assert _admin_record(llm_server, tasks["titled"])["lyrics_source"] == "llm"


def test_instrumental_skips_the_lyrics(llm_server: LiveServer, tasks: dict[str, Any]) -> None:
    with llm_server.client(tasks["key"]) as client:
        task = fetch(client, tasks["instrumental"], dialect="flat")["data"]
        timing = client.get(f"/suno/act/timing/{task['data'][0]['id']}").json()["data"]
    assert task["status"] == "SUCCESS"
    for clip in task["data"]:
        assert clip["prompt"] == "" and clip["title"] == GOOD["title"]
        assert clip["tags"] == GOOD["tags"]
    assert timing["aligned_words"] == []
    asked = [t for t in _user_messages(tasks["asked"]) if "rain on a tin roof" in t]
    assert asked and "instrumental" in asked[0]


def test_lyrics_task_answers_what_the_model_wrote(
    llm_server: LiveServer, tasks: dict[str, Any]
) -> None:
    with llm_server.client(tasks["key"]) as client:
        task = fetch(client, tasks["lyrics"])["data"]
    assert task["action"] == "LYRICS" and task["status"] == "SUCCESS"
    assert task["progress"] == "100%"
    assert 0 < task["submit_time"] <= task["start_time"] <= task["finish_time"]
    data = task["data"]
    assert data["id"] == tasks["lyrics"] and data["status"] == "complete"
    # Lyrics alone are for no song of a known length: the answer is kept whole.
    assert (data["text"], data["title"]) == (GOOD["lyrics"], GOOD["title"])
    assert _admin_record(llm_server, tasks["lyrics"])["lyrics_source"] == "llm"


def test_failing_model_falls_back_and_the_task_says_so(
    llm_server: LiveServer, tasks: dict[str, Any]
) -> None:
    with llm_server.client(tasks["key"]) as client:
        lyrics = fetch(client, tasks["lyrics_fallback"])["data"]
        titled = fetch(client, tasks["titled_fallback"])["data"]
    assert lyrics["status"] == "SUCCESS" and lyrics["data"]["status"] == "complete"
    assert "[Verse]" in lyrics["data"]["text"] and lyrics["data"]["title"]
    assert lyrics["data"]["text"] != GOOD["lyrics"]
    assert titled["status"] == "SUCCESS"
    for clip in titled["data"]:
        assert clip["title"] == "Paper Moon" and clip["metadata"]["tags"] == "pop"
        # The built-in writer's song sized to the 10 s clip: a chorus that sings the title.
        assert "Chorus" in [s.name for s in parse(clip["metadata"]["prompt"])]
        assert "paper moon" in clip["metadata"]["prompt"].lower()
    for task_id in (tasks["lyrics_fallback"], tasks["titled_fallback"]):
        record = _admin_record(llm_server, task_id)
        assert record["lyrics_source"] == "builtin"
        assert "HTTP 500" in record["lyrics_note"] and "built-in" in record["lyrics_note"]
