"""Song actions on a real server: joining an extension chain into one clip, word timings,
and WAV, MIDI and stems downloads of finished clips, each owned by its key."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import mido
import numpy as np
import pytest

from chorus.engine.encode import decode_audio
from live_server import LiveServer, fetch, submit, wait_until

CUT_S = 6.0
BASE_LYRICS = "[Verse]\nWalking down the harbor road\nCarrying a heavy load"
MORE_LYRICS = "[Verse]\nAnd the gulls are crying on\nUntil the summer night is gone"


@dataclass(frozen=True)
class Chain:
    key: str
    base_task: str
    base_clip: str
    ext_task: str
    ext_clip: str
    concat_task: str
    joined: dict[str, Any]
    early_concat: httpx.Response


def _decoded(url: str, folder: Path) -> tuple[np.ndarray, int]:
    answer = httpx.get(url, timeout=60)
    assert answer.status_code == 200, url
    path = folder / url.replace("/", "_")[-80:]
    path.write_bytes(answer.content)
    return decode_audio(path)


def _aligned_correlation(a: np.ndarray, b: np.ndarray, max_lag: int = 3000) -> float:
    """Best correlation of mono ``a`` and ``b`` over lags of ``b`` against ``a``."""
    best = -1.0
    for lag in range(0, max_lag, 8):
        n = min(len(a) - lag, len(b))
        if n > 1000:
            best = max(best, float(np.corrcoef(a[lag : lag + n], b[:n])[0, 1]))
    return best


@pytest.fixture(scope="module")
def chain(server: LiveServer) -> Chain:
    key = server.new_key("acts-chain")
    with server.client(key) as client:
        base = submit(client, {"prompt": BASE_LYRICS, "tags": "folk", "title": "Harbor Road"})
        base_clip = wait_until(client, [base])[base]["data"][0]
        assert base_clip["status"] == "complete"
        ext = submit(
            client,
            {
                "continue_clip_id": base_clip["id"],
                "continue_at": CUT_S,
                "task_id": base,
                "task": "extend",
                "prompt": MORE_LYRICS,
            },
        )
        ext_clip_id = fetch(client, ext)["data"]["data"][0]["id"]
        # Not complete yet: nothing to join.
        early = client.post("/suno/submit/concat", json={"clip_id": ext_clip_id})
        wait_until(client, [ext])
        answer = client.post("/suno/submit/concat", json={"clip_id": ext_clip_id})
        assert answer.status_code == 200, answer.text
        concat_task = answer.json()["data"]
        joined = wait_until(client, [concat_task])[concat_task]
    return Chain(key, base, base_clip["id"], ext, ext_clip_id, concat_task, joined, early)


def test_concat_joins_the_chain_into_one_clip(
    server: LiveServer, chain: Chain, tmp_path: Path
) -> None:
    assert chain.early_concat.status_code == 409
    assert chain.early_concat.json()["message"].startswith("clip_id: ")
    joined = chain.joined
    assert joined["status"] == "SUCCESS" and joined["action"] == "MUSIC"
    assert joined["task_id"] not in (chain.base_task, chain.ext_task)
    (clip,) = joined["data"]
    assert clip["metadata"]["type"] == "concat"
    assert clip["metadata"]["concat_history"] == [{"id": chain.ext_clip}]
    assert clip["title"] == "Harbor Road"
    with server.client(chain.key) as client:
        ext_clip = fetch(client, chain.ext_task)["data"]["data"][0]
        base_clip = fetch(client, chain.base_task)["data"]["data"][0]
    expected = CUT_S + ext_clip["metadata"]["duration"]
    assert clip["metadata"]["duration"] == pytest.approx(expected, abs=0.05)
    song, rate = _decoded(clip["audio_url"], tmp_path)
    assert len(song) / rate == pytest.approx(expected, abs=0.1)
    # The first part is the base clip up to the cut, the rest is the extension.
    base_audio, _ = _decoded(base_clip["audio_url"], tmp_path)
    ext_audio, _ = _decoded(ext_clip["audio_url"], tmp_path)
    cut = int(CUT_S * rate)
    head = song[: cut - rate // 2, 0]
    tail = song[cut + rate // 2 :, 0]
    assert _aligned_correlation(base_audio[:, 0], head) > 0.95
    assert _aligned_correlation(ext_audio[rate // 2 :, 0], tail) > 0.95
    assert httpx.get(clip["video_url"], timeout=30).content[4:8] == b"ftyp"


def test_joined_clip_has_shifted_word_timings_and_midi(
    server: LiveServer, chain: Chain, tmp_path: Path
) -> None:
    joined_id = chain.joined["data"][0]["id"]
    with server.client(chain.key) as client:
        timing = client.get(f"/suno/act/timing/{joined_id}").json()["data"]
        base_timing = client.get(f"/suno/act/timing/{chain.base_clip}").json()["data"]
        ext_timing = client.get(f"/suno/act/timing/{chain.ext_clip}").json()["data"]
        midi = client.get(f"/suno/act/midi/{joined_id}").json()["data"]
    words = timing["aligned_words"]
    sung = [w["word"].lower() for w in words]
    # What each part really sang (a 10 s song sings as much of its lyrics as fits): the
    # base's words that start before the cut, then every word of the extension.
    base_sung = [w["word"].lower() for w in base_timing["aligned_words"] if w["start_s"] < CUT_S]
    ext_sung = [w["word"].lower() for w in ext_timing["aligned_words"]]
    assert base_sung[:1] == ["walking"] and ext_sung[:3] == ["and", "the", "gulls"]
    assert sung == base_sung + ext_sung
    starts = [w["start_s"] for w in words]
    assert starts == sorted(starts)
    first_ext_word = ext_timing["aligned_words"][0]
    moved = next(w for w in words if w["word"] == first_ext_word["word"] and w["start_s"] >= CUT_S)
    assert moved["start_s"] == pytest.approx(first_ext_word["start_s"] + CUT_S, abs=0.01)
    assert all(isinstance(w["success"], bool) and 0 <= w["p_align"] <= 1 for w in words)
    peaks = timing["waveform_data"]
    assert 100 <= len(peaks) <= 200 and max(peaks) == 1.0 and min(peaks) >= 0
    data = httpx.get(midi["midi_url"], timeout=30).content
    song = mido.MidiFile(file=io.BytesIO(data))
    assert song.length == pytest.approx(CUT_S + 10.0, abs=1.5)


def test_concat_refusals(server: LiveServer, chain: Chain) -> None:
    with server.client(chain.key) as client:
        alone = client.post("/suno/submit/concat", json={"clip_id": chain.base_clip})
        missing = client.post("/suno/submit/concat", json={})
    assert alone.status_code == 400 and alone.json()["message"].startswith("clip_id: ")
    assert missing.status_code == 400 and missing.json()["message"].startswith("clip_id")
    with server.client(server.new_key("acts-stranger")) as stranger:
        other = stranger.post("/suno/submit/concat", json={"clip_id": chain.ext_clip})
        assert other.status_code == 400 and "clip_id" in other.json()["message"]
        for kind in ("timing", "wav", "midi", "stems"):
            answer = stranger.get(f"/suno/act/{kind}/{chain.base_clip}")
            assert answer.status_code == 404, kind


def test_wav_is_the_song_in_pcm(server: LiveServer, chain: Chain, tmp_path: Path) -> None:
    with server.client(chain.key) as client:
        answer = client.get(f"/suno/act/wav/{chain.base_clip}").json()["data"]
        again = client.get(f"/suno/act/wav/{chain.base_clip}").json()["data"]
        mp3_url = fetch(client, chain.base_task)["data"]["data"][0]["audio_url"]
    assert answer == again and answer["clip_id"] == chain.base_clip
    raw = httpx.get(answer["wav_url"], timeout=30)
    assert raw.status_code == 200 and raw.content[:4] == b"RIFF" and raw.content[8:12] == b"WAVE"
    wav, rate = _decoded(answer["wav_url"], tmp_path)
    mp3, mp3_rate = _decoded(mp3_url, tmp_path)
    assert rate == mp3_rate and abs(len(wav) - len(mp3)) < rate // 100
    assert _aligned_correlation(mp3[:, 0], wav[:, 0], max_lag=16) > 0.99


def test_stems_are_rendered_on_demand_and_sum_to_the_song(
    server: LiveServer, chain: Chain, tmp_path: Path
) -> None:
    with server.client(chain.key) as client:
        answer = client.get(f"/suno/act/stems/{chain.base_clip}", timeout=300)
        assert answer.status_code == 200, answer.text
        urls = answer.json()["data"]
        joined_id = chain.joined["data"][0]["id"]
        refused = client.get(f"/suno/act/stems/{joined_id}")
        mp3_url = fetch(client, chain.base_task)["data"]["data"][0]["audio_url"]
    assert refused.status_code == 409 and refused.json()["message"].startswith("clip_id: ")
    stems = {
        name: _decoded(urls[f"{name}_url"], tmp_path)
        for name in ("vocals", "drums", "bass", "other")
    }
    song, rate = _decoded(mp3_url, tmp_path)
    for name, (audio, stem_rate) in stems.items():
        assert stem_rate == rate and abs(len(audio) / rate - 10.0) < 0.1, name
    assert float(np.max(np.abs(stems["vocals"][0]))) > 0.01  # the song is sung
    total = sum(audio for audio, _ in stems.values())
    assert _aligned_correlation(song[:, 0], total[:, 0]) > 0.7


def test_upload_extend_is_refused_naming_the_field(server: LiveServer, make_key: Any) -> None:
    with server.client(make_key()) as client:
        upload = client.post("/suno/uploads/audio", files={"file": ("a.mp3", b"ID3")})
        by_url = client.post("/suno/uploads/audio-url", json={"url": "https://x.test/a.mp3"})
    assert upload.status_code == 400 and upload.json()["message"].startswith("file: ")
    assert by_url.status_code == 400 and by_url.json()["message"].startswith("url: ")
