"""Whole renders, checked as a listener would: files, length, loudness, gaps, timing."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chorus.engine.encode import decode_audio
from chorus.engine.mix import loudness_lufs, true_peak_dbtp
from chorus.engine.progress import RenderProgress, RenderResult
from chorus.engine.render import chunk_bounds, render_song
from chorus.engine.request import EngineRequestError, SongRequest
from chorus.engine.score import Score

LYRICS = """[Verse]
Walking down the streets beneath the city lights
Neon signs are flickering and lighting up the night

[Chorus]
City lights are calling me tonight
Hold my hand and never let me go
"""

ZH_LYRICS = """[Verse]
在零一世界编程的深夜
屏幕的光照亮我的脸

[Chorus]
代码在心里唱着歌
"""


def _render(tmp: Path, name: str, **fields: Any) -> tuple[RenderResult, list[RenderProgress]]:
    events: list[RenderProgress] = []
    request = SongRequest(**{"duration": 16.0, "seed": 3, **fields})
    return render_song(request, tmp / name, events.append), events


@pytest.fixture(scope="module")
def songs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[RenderResult, list[RenderProgress]]]:
    tmp = tmp_path_factory.mktemp("songs")
    return {
        "sung": _render(
            tmp,
            "sung",
            tags="emotional punk",
            title="City Lights",
            lyrics=LYRICS,
            stems=True,
            duration=30.0,
        ),
        "female": _render(
            tmp, "female", tags="upbeat synth pop, female vocals", lyrics=LYRICS, duration=24.0
        ),
        "zh": _render(tmp, "zh", tags="流行", lyrics=ZH_LYRICS, duration=24.0),
        "instrumental": _render(
            tmp,
            "instrumental",
            tags="lofi hip hop",
            lyrics=LYRICS,
            instrumental=True,
            stems=True,
            duration=12.0,
        ),
    }


@pytest.mark.parametrize("name", ["sung", "female", "zh", "instrumental"])
def test_every_file_is_written_and_decodes(songs: dict[str, Any], name: str) -> None:
    result, _ = songs[name]
    for path in (
        result.mp3,
        result.cover,
        result.cover_small,
        result.video,
        result.midi,
        result.lyrics,
        result.score,
        result.out_dir / "summary.json",
    ):
        assert path.is_file() and path.stat().st_size > 0, path
    # The premaster and stems kept on disk while the song was made are gone.
    assert not [p.name for p in result.out_dir.iterdir() if p.name.startswith(".")]
    audio, sr = decode_audio(result.mp3)
    assert sr == 44100 and audio.ndim == 2 and audio.shape[1] == 2
    requested = {"sung": 30.0, "female": 24.0, "zh": 24.0, "instrumental": 12.0}[name]
    assert abs(len(audio) / sr - requested) <= 0.05 * requested


@pytest.mark.parametrize("name", ["sung", "zh", "instrumental"])
def test_mastered_loudness_peak_and_no_gaps(songs: dict[str, Any], name: str) -> None:
    result, _ = songs[name]
    audio, sr = decode_audio(result.mp3)
    assert abs(loudness_lufs(audio, sr) + 14.0) <= 1.0
    # MP3 decoding can overshoot a little; the master itself is held at -1 dBTP.
    assert true_peak_dbtp(audio, sr) <= -0.5
    assert np.max(np.abs(audio)) < 1.0
    body = audio[: len(audio) - 2 * sr].mean(axis=1)  # the last seconds may fade out
    window = sr // 4
    frames = body[: len(body) // window * window].reshape(-1, window)
    rms_db = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12)
    assert rms_db.min() > -50.0, "a silent gap inside the song"


def test_song_ends_quietly(songs: dict[str, Any]) -> None:
    audio, sr = decode_audio(songs["sung"][0].mp3)
    tail = np.abs(audio[-sr // 20 :]).max()
    assert tail < 0.05, "the song is cut off instead of ending"


def test_lyrics_timing_is_monotone_inside_the_song(songs: dict[str, Any]) -> None:
    result, _ = songs["sung"]
    timing = json.loads(result.lyrics.read_text())
    words = timing["words"]
    assert words, "no sung words"
    duration = result.summary["duration"]
    starts = [w["start_s"] for w in words]
    assert starts == sorted(starts)
    for word in words:
        assert 0 <= word["start_s"] < word["end_s"] <= duration
    sung = {w["word"].lower() for w in words}
    assert {"walking", "city", "lights"} <= sung
    for section in timing["sections"]:
        for line in section["lines"]:
            assert section["start_s"] <= line["start_s"] <= line["end_s"] <= section["end_s"]


def test_sections_follow_the_lyrics_in_order(songs: dict[str, Any]) -> None:
    summary = songs["sung"][0].summary
    sections = summary["sections"]
    labels = [s["label"] for s in sections]
    sung = [label for label in labels if label in ("Verse", "Chorus")]
    assert sung[:2] == ["Verse", "Chorus"]
    for before, after in itertools.pairwise(sections):
        assert before["end_s"] == pytest.approx(after["start_s"], abs=1e-3)


def test_chinese_lyrics_are_sung_one_character_per_note(songs: dict[str, Any]) -> None:
    result, _ = songs["zh"]
    score = Score.load(result.score)
    assert score.language == "zh"
    characters = {n.text for n in score.vocal}
    assert {"编", "程", "代", "码"} <= characters
    assert all(len(n.text) == 1 for n in score.vocal)


def test_stems_split_the_song_and_instrumental_has_no_voice(songs: dict[str, Any]) -> None:
    import soundfile

    for name in ("sung", "instrumental"):
        stems = songs[name][0].stems_dir
        levels = {}
        for stem in ("vocals", "drums", "bass", "other"):
            audio, _ = soundfile.read(stems / f"{stem}.wav")
            levels[stem] = float(np.sqrt(np.mean(audio**2)))
        assert levels["drums"] > 1e-3 and levels["other"] > 1e-3
        if name == "instrumental":
            assert levels["vocals"] < 1e-5
        else:
            assert levels["vocals"] > 1e-3


def test_progress_moves_forward_and_streams_before_the_end(songs: dict[str, Any]) -> None:
    _, events = songs["sung"]
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len({round(f, 2) for f in fractions}) >= 5, "progress jumps instead of moving"
    streaming = [e for e in events if e.audio_seconds > 0 and e.fraction < 0.9]
    assert streaming, "no playable audio before mastering"


def test_summary_describes_the_song(songs: dict[str, Any]) -> None:
    summary = songs["female"][0].summary
    assert summary["voice"] == "female"
    assert summary["seed"] == 3
    assert 40 <= summary["tempo"] <= 220
    assert summary["key"].split()[0] in {
        "C",
        "C#",
        "D",
        "Eb",
        "E",
        "F",
        "F#",
        "G",
        "Ab",
        "A",
        "Bb",
        "B",
    }
    assert set(summary["timings"]) >= {"compose", "band", "voice", "mix", "master"}
    assert summary["soundfont"]


def test_stream_file_is_a_playable_prefix(songs: dict[str, Any]) -> None:
    result, _ = songs["sung"]
    stream, sr = decode_audio(result.out_dir / "stream.mp3")
    assert abs(len(stream) / sr - result.summary["duration"]) < 0.5


@pytest.mark.parametrize("asked_at", [None, 3])
def test_the_stream_is_written_once_someone_listens(tmp_path: Path, asked_at: int | None) -> None:
    """Nobody listening: no stream at all. A listener from the third section on: the
    stream then holds the song from its start, as a listener from the start would hear."""
    request = SongRequest(tags="lofi hip hop", instrumental=True, duration=30.0, seed=3)
    calls = 0

    def listening() -> bool:
        nonlocal calls
        calls += 1
        return asked_at is not None and calls >= asked_at

    late = render_song(request, tmp_path / "late", stream=listening)
    sections = len(list(chunk_bounds(Score.load(late.score), 6.0)))
    assert calls == (sections if asked_at is None else asked_at)
    if asked_at is None:
        assert not (late.out_dir / "stream.mp3").exists()
        return
    early = render_song(request, tmp_path / "early", stream=True)
    late_audio, sr = decode_audio(late.out_dir / "stream.mp3")
    early_audio, _ = decode_audio(early.out_dir / "stream.mp3")
    assert abs(len(late_audio) / sr - late.summary["duration"]) < 0.5
    np.testing.assert_array_equal(late_audio, early_audio)


def test_chunks_never_cut_a_sung_note(songs: dict[str, Any]) -> None:
    score = Score.load(songs["sung"][0].score)
    bounds = list(chunk_bounds(score, 6.0))
    assert bounds[0][0] == 0 and bounds[-1][1] == pytest.approx(score.duration)
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert end == start
    for note in score.vocal:
        assert not any(note.start < end < note.end for _, end in bounds)


def test_extension_continues_the_earlier_song(tmp_path: Path, songs: dict[str, Any]) -> None:
    from chorus.engine.request import Continuation

    earlier = Score.load(songs["sung"][0].score)
    result, _ = _render(
        tmp_path,
        "extended",
        tags="emotional punk",
        lyrics=LYRICS,
        continuation=Continuation(score=earlier, at=8.0),
        duration=10.0,
    )
    score = Score.load(result.score)
    assert (score.tempo, score.key, score.mode) == (earlier.tempo, earlier.key, earlier.mode)
    assert score.continued_at == 8.0
    assert result.mp3.is_file()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration": 5}, "duration"),
        ({"duration": 1000}, "duration"),
        ({"seed": -1}, "seed"),
        ({"voice": "robot"}, "voice"),
        ({"lyrics": "x" * 30_000}, "lyrics"),
    ],
)
def test_bad_requests_name_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(EngineRequestError) as caught:
        SongRequest(**fields)
    assert caught.value.field == field
    assert field in caught.value.message


def test_render_command_writes_files_and_prints_summary(tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text(LYRICS, encoding="utf-8")
    out = tmp_path / "out"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "chorus",
            "render",
            "--tags",
            "emotional punk",
            "--title",
            "City Lights",
            "--lyrics",
            str(lyrics),
            "--duration",
            "10",
            "--seed",
            "7",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert summary["seed"] == 7 and summary["title"] == "City Lights"
    assert (out / "song.mp3").is_file() and (out / "video.mp4").is_file()


def test_render_command_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "chorus", "render", "--duration", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode != 0
    assert "duration" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_failed_render_leaves_no_work_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("chorus.engine.render.make_cover", broken)
    request = SongRequest(tags="rock", instrumental=True, duration=12.0, seed=2, stems=True)
    with pytest.raises(OSError, match="disk full"):
        render_song(request, tmp_path / "clip", stream=False)
    assert (tmp_path / "clip").is_dir()
    assert not (tmp_path / "clip" / ".stems").exists()
    assert not (tmp_path / "clip" / ".premaster.f32").exists()
