from __future__ import annotations

import json
import socket

import httpx
import pytest
from fake_chat_api import GOOD, FakeChatApi

from chorus.config import Settings
from chorus.engine.compose import compose
from chorus.engine.request import SongRequest
from chorus.exceptions import InvalidRequest
from chorus.lyrics import Fit, LlmWriter, write_song, writer_from_settings
from chorus.lyrics.fit import form_for
from chorus.lyrics.llm import describe
from chorus.lyrics.song import FULL_FORM, parse


def _writer(api: FakeChatApi, timeout_s: float = 5.0) -> LlmWriter:
    return LlmWriter(api.base_url, "sk-test", "fake-model", timeout_s=timeout_s)


async def test_good_answer_is_used_and_request_is_openai_shaped(chat_api: FakeChatApi) -> None:
    song = await _writer(chat_api).write_song("a cat in a neon city", seed=42)
    assert song.source == "llm"
    assert song.note == ""
    assert (song.title, song.tags) == (GOOD["title"], GOOD["tags"])
    assert [s.name for s in parse(song.lyrics)] == ["Verse", "Chorus", "Outro"]
    body = chat_api.requests[-1]
    assert body["model"] == "fake-model"
    assert body["response_format"] == {"type": "json_object"}
    assert body["seed"] == 42
    assert 0 <= body["temperature"] <= 2
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "a cat in a neon city" in body["messages"][1]["content"]
    assert chat_api.headers[-1]["authorization"] == "Bearer sk-test"


async def test_fenced_json_is_accepted(chat_api: FakeChatApi) -> None:
    chat_api.behaviour = "fenced"
    song = await _writer(chat_api).write_song("a cat", seed=1)
    assert song.source == "llm"
    assert song.title == GOOD["title"]


async def test_injected_client_is_used(chat_api: FakeChatApi) -> None:
    async with httpx.AsyncClient() as client:
        writer = LlmWriter(chat_api.base_url, "k", "m", client=client)
        song = await writer.write_song("a cat", seed=1)
        assert song.source == "llm"
        assert not client.is_closed


async def test_chinese_idea_asks_for_chinese(chat_api: FakeChatApi) -> None:
    await _writer(chat_api).write_song("一首关于猫的欢快歌曲", seed=1)
    assert "Chinese" in chat_api.requests[-1]["messages"][1]["content"]


async def test_instrumental_keeps_title_and_tags_without_lyrics(chat_api: FakeChatApi) -> None:
    song = await _writer(chat_api).write_song("a cat", seed=1, instrumental=True)
    assert (song.source, song.lyrics, song.title) == ("llm", "", GOOD["title"])


@pytest.mark.parametrize(
    ("behaviour", "why"),
    [
        ("http500", "HTTP 500"),
        ("http429", "429"),
        ("not_json", "not JSON"),
        ("not_completion", "not an OpenAI chat completion"),
        ("missing", "missing"),
        ("wrong_types", "not a string"),
        ("empty_lyrics", "empty lyrics"),
        ("no_markers", "section markers"),
        ("long_title", "title"),
    ],
)
async def test_bad_answers_fall_back_to_builtin(
    chat_api: FakeChatApi, behaviour: str, why: str
) -> None:
    chat_api.behaviour = behaviour
    idea = "a rainy night in the city"
    song = await _writer(chat_api).write_song(idea, seed=5)
    assert song.source == "builtin"
    assert why in song.note
    assert "sk-test" not in song.note
    builtin = write_song(idea, seed=5)
    assert (song.title, song.tags, song.lyrics) == (builtin.title, builtin.tags, builtin.lyrics)
    assert len(chat_api.requests) == 1


async def test_timeout_falls_back(chat_api: FakeChatApi) -> None:
    chat_api.behaviour = "slow"
    chat_api.slow_s = 2.0
    song = await _writer(chat_api, timeout_s=0.3).write_song("a cat", seed=1)
    assert song.source == "builtin"
    assert "timed out" in song.note
    assert song.lyrics


async def test_connection_refused_falls_back() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    writer = LlmWriter(f"http://127.0.0.1:{port}/v1", "k", "m", timeout_s=2.0)
    song = await writer.write_song("一首关于猫的欢快歌曲", seed=3)
    assert song.source == "builtin"
    assert "unreachable" in song.note
    assert "猫" in song.lyrics


async def test_empty_idea_is_rejected_before_any_call(chat_api: FakeChatApi) -> None:
    with pytest.raises(InvalidRequest) as info:
        await _writer(chat_api).write_song("  ", seed=1)
    assert info.value.field == "prompt"
    assert chat_api.requests == []


def test_writer_from_settings_needs_url_key_and_model() -> None:
    assert writer_from_settings(Settings(llm_base_url="http://x/v1", llm_api_key="k")) is None
    writer = writer_from_settings(
        Settings(llm_base_url="http://x/v1/", llm_api_key="k", llm_model="m", llm_timeout_s=7)
    )
    assert writer is not None
    assert (writer.base_url, writer.model, writer.timeout_s) == ("http://x/v1", "m", 7)


def test_settings_read_llm_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHORUS_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CHORUS_LLM_API_KEY", "k")
    monkeypatch.setenv("CHORUS_LLM_MODEL", "m")
    assert isinstance(writer_from_settings(Settings()), LlmWriter)


# -- songs of a known length -----------------------------------------------------------

_VERSE = [
    "I walked along the river road",
    "with every word I never showed",
    "the evening came and let me go",
    "the water knew and told me so",
]
_CHORUS = [
    "Oh paper moon, you light the way",
    "I'll keep your silver till the day",
    "and if the night is cold and long",
    "you'll find me singing this old song",
]
_LONG_ANSWER = {
    "title": "Paper Moon",
    "tags": "sad ballad, male vocals",
    "lyrics": "\n\n".join(
        [
            "[Verse 1]\n" + "\n".join(_VERSE),
            "[Chorus]\n" + "\n".join(_CHORUS),
            "[Verse 2]\n" + "\n".join(line.replace("the", "a") for line in _VERSE),
            "[Chorus]\n" + "\n".join(_CHORUS),
            "[Bridge]\nand when the lights go out at last\nI'll hold the moon and hold it fast",
            "[Chorus]\n" + "\n".join(_CHORUS),
            "[Outro]\nOh paper moon, you light the way\nand I will stay",
        ]
    ),
}


def _answer_with(monkeypatch: pytest.MonkeyPatch, api: FakeChatApi, answer: dict[str, str]) -> None:
    completion = {
        "id": "chatcmpl-2",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": json.dumps(answer)},
            }
        ],
    }
    monkeypatch.setattr(api, "answer", lambda: (200, json.dumps(completion).encode()))


def _lines(lyrics: str) -> list[str]:
    return [line for section in parse(lyrics) for line in section.lines]


async def test_the_model_is_asked_for_the_sections_that_fit(chat_api: FakeChatApi) -> None:
    idea = "a pop song about a cat in a neon city"
    await _writer(chat_api).write_song(idea, seed=1, fit=Fit(30.0))
    short = form_for(30.0, idea)
    assert sum(n for _, n in short) < sum(n for _, n in FULL_FORM)
    assert describe(short) in chat_api.requests[-1]["messages"][1]["content"]
    await _writer(chat_api).write_song(idea, seed=1)
    asked = chat_api.requests[-1]["messages"][1]["content"]
    assert describe(FULL_FORM) in asked and "[Bridge] 2 lines" in asked


@pytest.mark.parametrize(("duration", "caller_tags"), [(30.0, ""), (60.0, ""), (30.0, "edm")])
async def test_an_over_long_answer_is_cut_to_the_song(
    chat_api: FakeChatApi, monkeypatch: pytest.MonkeyPatch, duration: float, caller_tags: str
) -> None:
    _answer_with(monkeypatch, chat_api, _LONG_ANSWER)
    fit = Fit(duration, caller_tags)
    song = await _writer(chat_api).write_song("a song about the moon", seed=3, fit=fit)
    assert song.source == "llm" and song.note == ""
    written = _lines(_LONG_ANSWER["lyrics"])
    kept = _lines(song.lyrics)
    assert 0 < len(kept) < len(written)
    answer_sections = parse(_LONG_ANSWER["lyrics"])
    for section in parse(song.lyrics):
        source = next(s for s in answer_sections if s.name == section.name)
        assert section.lines == source.lines[: len(section.lines)]
    # Sung whole by every clip, in the style the song is sung in.
    tags = caller_tags or song.tags
    for seed in range(3):
        request = SongRequest(tags=tags, lyrics=song.lyrics, duration=duration, seed=seed)
        score = compose(request)
        assert not score.extra["lyrics_truncated"], (seed, score.tempo)
        assert set(kept) <= {line for s in score.sections for line in s.lines}


async def test_an_answer_that_fits_is_kept_whole(
    chat_api: FakeChatApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer_with(monkeypatch, chat_api, _LONG_ANSWER)
    song = await _writer(chat_api).write_song("a song about the moon", seed=3, fit=Fit(300.0))
    assert song.lyrics == _LONG_ANSWER["lyrics"]


async def test_the_fallback_is_sized_too(chat_api: FakeChatApi) -> None:
    chat_api.behaviour = "http500"
    idea = "a rainy night in the city"
    song = await _writer(chat_api).write_song(idea, seed=5, fit=Fit(30.0))
    assert song.source == "builtin"
    assert song.lyrics == write_song(idea, seed=5, fit=Fit(30.0)).lyrics
    assert len(_lines(song.lyrics)) < len(_lines(write_song(idea, seed=5).lyrics))
