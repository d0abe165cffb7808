"""``GET /suno/act/timing/{clip_id}``: the sung words of a clip with their times, and its
waveform, for the key that made it only."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from chorus.acts.service import WAVEFORM_POINTS, waveform
from live_server import LiveServer, submit, wait_until


@pytest.fixture(scope="module")
def song(server: LiveServer) -> tuple[str, dict[str, Any]]:
    key = server.new_key("timing-owner", credits=1000)
    with server.client(key) as api:
        task_id = submit(api, {"gpt_description_prompt": "a lullaby about the moon"})
        task = wait_until(api, [task_id])[task_id]
    assert task["status"] == "SUCCESS", task
    return key, task


def test_words_and_waveform_of_a_complete_clip(
    server: LiveServer, song: tuple[str, dict[str, Any]]
) -> None:
    key, task = song
    clip = task["data"][0]
    with server.client(key) as api:
        answer = api.get(f"/suno/act/timing/{clip['id']}")
        again = api.get(f"/suno/act/timing/{clip['id']}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["code"] == "success"
    data = body["data"]
    words = data["aligned_words"]
    assert words
    duration = clip["metadata"]["duration"]
    starts = [w["start_s"] for w in words]
    assert starts == sorted(starts)
    for word in words:
        assert 0 <= word["start_s"] <= word["end_s"] <= duration + 0.5
        assert word["success"] is True and word["p_align"] == 1.0
    # The words sung are the words of the lyrics.
    lyrics = set(re.findall(r"[\w']+", clip["metadata"]["prompt"].lower()))
    sung = [re.sub(r"[^\w']", "", w["word"].lower()) for w in words]
    assert sum(w in lyrics for w in sung) >= 0.9 * len(sung)
    peaks = data["waveform_data"]
    assert len(peaks) == WAVEFORM_POINTS
    assert all(0.0 <= p <= 1.0 for p in peaks) and max(peaks) == 1.0
    assert [s["label"] for s in data["sections"]]
    assert again.json() == body
    cached = list((server.data_dir / "media" / clip["id"]).glob("*/waveform.json"))
    assert len(cached) == 1


def test_another_keys_clip_does_not_exist(
    server: LiveServer, song: tuple[str, dict[str, Any]], make_key: Callable[..., str]
) -> None:
    _key, task = song
    clip_id = task["data"][0]["id"]
    with server.client(make_key()) as stranger:
        answer = stranger.get(f"/suno/act/timing/{clip_id}")
        unknown = stranger.get("/suno/act/timing/no-such-clip")
    for refused in (answer, unknown):
        assert refused.status_code == 404
        assert refused.json()["code"] == "task_not_exist"
    with server.client() as anonymous:
        assert anonymous.get(f"/suno/act/timing/{clip_id}").status_code == 401


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("length", [50, 44100])
def test_waveform_follows_the_loudness(channels: int, length: int) -> None:
    t = np.arange(length) / 44100
    tone = np.sin(2 * np.pi * 220 * t) * np.where(np.arange(length) < length // 2, 0.1, 0.8)
    audio = np.stack([tone] * channels, axis=1) if channels > 1 else tone
    peaks = waveform(audio.astype(np.float32))
    assert len(peaks) == min(WAVEFORM_POINTS, length)
    assert max(peaks) == 1.0 and min(peaks) >= 0.0
    half = len(peaks) // 2
    assert max(peaks[: half - 1]) < 0.2 < min(peaks[half + 1 :])


def test_waveform_of_silence_and_of_nothing() -> None:
    assert waveform(np.zeros(1000, np.float32)) == [0.0] * WAVEFORM_POINTS
    assert waveform(np.zeros((0, 2), np.float32)) == []
