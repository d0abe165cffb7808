"""The chat format through the official ``openai`` client, against a real server on
loopback: songs made streaming and not, links that download real audio, progress that
follows the real task, errors in OpenAI's shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest

from chorus.engine.encode import decode_audio
from live_server import ADMIN_KEY, LiveServer, fetch, wait_until

_MP3 = re.compile(r"\[MP3\]\((http[^)\s]+/audio\.mp3)\)")
_MP4 = re.compile(r"\[MP4\]\((http[^)\s]+/video\.mp4)\)")
_COVER = re.compile(r"!\[[^\]]*\]\((http[^)\s]+/image_large\.jpg)\)")
_TASK = re.compile(r"Task `([0-9a-f-]{36})`")
_PERCENT = re.compile(r"^- [a-z ]+: (\d+)%$", re.MULTILINE)


def _client(server: LiveServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=f"{server.base_url}/v1", max_retries=0, timeout=300)


def _audio_seconds(url: str, tmp: Path) -> tuple[float, float]:
    """Length and peak of the MP3 at ``url``, decoded."""
    answer = httpx.get(url, timeout=30)
    assert answer.status_code == 200, url
    path = tmp / url.rsplit("/", 2)[-2]
    path.write_bytes(answer.content)
    audio, rate = decode_audio(path)
    return len(audio) / rate, float(np.max(np.abs(audio)))


def _check_links(content: str, tmp_path: Path) -> None:
    mp3s, mp4s = _MP3.findall(content), _MP4.findall(content)
    assert len(mp3s) == 2 and len(mp4s) == 2
    for url in mp3s:
        seconds, peak = _audio_seconds(url, tmp_path)
        assert 9.0 < seconds < 11.5 and peak > 0.05
    for url in mp4s:
        video = httpx.get(url, timeout=30)
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    (cover,) = _COVER.findall(content)
    image = httpx.get(cover, timeout=30)
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"


def test_models_lists_the_music_models(server: LiveServer, make_key: Any) -> None:
    with _client(server, make_key()) as client:
        models = [m.id for m in client.models.list()]
    for name in ("suno-v3", "suno-v3.5", "chirp-v3-5", "chirp-v4"):
        assert name in models


def test_streamed_song_follows_the_task(server: LiveServer, make_key: Any, tmp_path: Path) -> None:
    key = make_key()
    pieces: list[str] = []
    finish: list[str | None] = []
    with (
        _client(server, key) as client,
        client.chat.completions.create(
            model="suno-v3.5",
            messages=[
                {"role": "system", "content": "You make songs."},
                {"role": "user", "content": "a song about a lighthouse keeper"},
            ],
            stream=True,
        ) as stream,
    ):
        for chunk in stream:
            assert chunk.object == "chat.completion.chunk"
            pieces.append(chunk.choices[0].delta.content or "")
            finish.append(chunk.choices[0].finish_reason)
    assert finish[-1] == "stop" and finish[:-1] == [None] * (len(finish) - 1)
    (task_id,) = set(_TASK.findall(pieces[0]))
    assert chunk.id == f"chatcmpl-{task_id}"
    text = "".join(pieces)
    # Real progress: percentages only go up, with values between 0 and 100.
    percents = [int(p) for p in _PERCENT.findall(text)]
    assert percents == sorted(percents) and percents[-1] == 100
    assert any(0 < p < 100 for p in percents)
    # The stream links come before the final message, and they are the clips' streams.
    final_at = next(i for i, piece in enumerate(pieces) if "## " in piece)
    stream_lines = [i for i, piece in enumerate(pieces) if "stream.mp3" in piece]
    assert len(stream_lines) == 2 and max(stream_lines) < final_at
    with server.client(key) as client:
        task = fetch(client, task_id)["data"]
    assert task["status"] == "SUCCESS"
    clip_ids = {clip["id"] for clip in task["data"]}
    assert {u.rsplit("/", 2)[-2] for u in re.findall(r"http\S+stream\.mp3", text)} == clip_ids
    final = pieces[final_at]
    assert f"## {task['data'][0]['title']}" in final
    assert task["data"][0]["metadata"]["tags"] in final
    assert task["data"][0]["metadata"]["gpt_description_prompt"] == (
        "a song about a lighthouse keeper"
    )
    first_lyric = task["data"][0]["metadata"]["prompt"].splitlines()[1]
    assert first_lyric in final
    _check_links(final, tmp_path)
    # Written by the built-in writer (no language model configured), as the record says.
    with server.client(ADMIN_KEY) as admin:
        record = admin.get(f"/admin/tasks/{task_id}").json()
    assert record["lyrics_source"] == "builtin" and record["lyrics_note"] == ""


def test_plain_completion_from_a_json_message(
    server: LiveServer, make_key: Any, tmp_path: Path
) -> None:
    key = make_key()
    lyrics = "[Verse]\nPaper boats on the river\nSailing where the willows shiver"
    message = json.dumps({"title": "Paper Boats", "tags": "acoustic folk", "prompt": lyrics})
    with _client(server, key) as client:
        completion = client.chat.completions.create(
            model="chirp-v4", messages=[{"role": "user", "content": message}]
        )
    assert completion.object == "chat.completion"
    content = completion.choices[0].message.content or ""
    assert completion.choices[0].finish_reason == "stop"
    assert "## Paper Boats" in content and "acoustic folk" in content
    assert "Paper boats on the river" in content
    _check_links(content, tmp_path)
    task_id = completion.id.removeprefix("chatcmpl-")
    with server.client(key) as client:
        task = fetch(client, task_id, dialect="flat")["data"]
    assert task["status"] == "SUCCESS"
    for clip in task["data"]:
        assert clip["mv"] == "chirp-v4" and clip["prompt"] == lyrics
        assert clip["title"] == "Paper Boats" and clip["tags"] == "acoustic folk"
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_lyrics_message_and_client_leaving_early(server: LiveServer, make_key: Any) -> None:
    """A message with [Verse] markers is sung as written; a client that leaves after the
    first event does not stop the task."""
    key = make_key()
    lyrics = "[Verse]\nCandle in the window\nBurning for the ones who go"
    body = {
        "model": "chirp-v3-5",
        "stream": True,
        "messages": [{"role": "user", "content": lyrics}],
    }
    headers = {"Authorization": f"Bearer {key}"}
    with (
        httpx.Client(base_url=server.base_url, timeout=60) as http,
        http.stream("POST", "/v1/chat/completions", json=body, headers=headers) as answer,
    ):
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        assert answer.headers["cache-control"] == "no-cache"
        first = next(answer.iter_lines())
    event = json.loads(first.removeprefix("data: "))
    task_id = event["id"].removeprefix("chatcmpl-")
    assert event["choices"][0]["delta"]["role"] == "assistant"
    with server.client(key) as client:
        task = wait_until(client, [task_id], timeout_s=240)[task_id]
    assert task["status"] == "SUCCESS"
    assert all(clip["metadata"]["prompt"] == lyrics for clip in task["data"])
    assert all(clip["metadata"]["gpt_description_prompt"] is None for clip in task["data"])


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, 404, "model"),
        ({"model": "suno-v3", "messages": []}, 400, "messages"),
        ({"model": "suno-v3", "messages": [{"role": "user", "content": "  "}]}, 400, "messages"),
        ({"model": "suno-v3", "messages": [{"role": "system", "content": "x"}]}, 400, "messages"),
        (
            {"model": "suno-v3", "messages": [{"role": "user", "content": '{"duration": 3}'}]},
            400,
            "messages",
        ),
        ({"messages": [{"role": "user", "content": "hi"}]}, 400, "model"),
    ],
)
def test_errors_in_openai_shape(
    server: LiveServer, make_key: Any, body: dict[str, Any], status: int, param: str
) -> None:
    with server.client(make_key()) as client:
        answer = client.post("/v1/chat/completions", json=body)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["param"] == param and error["message"].startswith(f"{param}: ")
    assert error["type"] == "invalid_request_error" and error["code"]


def test_openai_client_sees_auth_and_model_errors(server: LiveServer, make_key: Any) -> None:
    with (
        _client(server, "sk-not-a-key") as stranger,
        pytest.raises(openai.AuthenticationError) as refused,
    ):
        stranger.models.list()
    assert refused.value.code == "unauthorized"
    with _client(server, make_key()) as client, pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "a song"}]
        )
    assert unknown.value.code == "model_not_found"


def test_chat_routes_are_documented(server: LiveServer) -> None:
    schema = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    chat = schema["paths"]["/v1/chat/completions"]["post"]
    assert chat["summary"] and "text/event-stream" in chat["responses"]["200"]["content"]
    assert "ChatRequest" in json.dumps(chat["requestBody"])
    assert schema["paths"]["/v1/models"]["get"]["responses"]["200"]["content"]
    assert chat["responses"]["404"]["content"]["application/json"]["schema"]
