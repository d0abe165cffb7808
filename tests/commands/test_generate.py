"""``chorus generate``: two clips rendered on this machine or made through a server."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile
from _chorus_cli import assert_one_line_error
from PIL import Image

from live_server import LiveServer

Chorus = Callable[..., subprocess.CompletedProcess[str]]


def _check_audio(path: Path, seconds: float) -> np.ndarray:
    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    assert abs(len(audio) / rate - seconds) < 1.5
    rms = float(np.sqrt(np.mean(audio**2)))
    assert rms > 0.01, f"{path} is nearly silent (rms {rms:.4f})"
    assert float(np.max(np.abs(audio))) <= 1.0
    return audio


def test_local_generate_writes_each_clips_files(chorus: Chorus, tmp_path: Path) -> None:
    out = tmp_path / "songs"
    result = chorus(
        "generate", "a lullaby about the sea", "--out", str(out), "--duration", "10", "--quiet"
    )
    assert result.returncode == 0, result.stderr
    mixes = []
    for name in ("clip-1", "clip-2"):
        folder = out / name
        assert str(folder.resolve()) in result.stdout
        mixes.append(_check_audio(folder / "song.mp3", 10.0))
        with Image.open(folder / "cover.jpg") as cover:
            assert min(cover.size) >= 256
        assert (folder / "video.mp4").stat().st_size > 10_000
        assert (folder / "song.mid").read_bytes()[:4] == b"MThd"
        words = json.loads((folder / "lyrics.json").read_text())["words"]
        assert words, "a sung song has timed words"
        assert all(0 <= w["start_s"] <= w["end_s"] <= 10.5 for w in words)
        assert str((folder / "song.mp3").resolve()) in result.stdout
    # Two clips of one song are two takes, not one file twice.
    length = min(len(mixes[0]), len(mixes[1]))
    assert not np.allclose(mixes[0][:length], mixes[1][:length], atol=1e-3)


def test_local_generate_sings_given_lyrics(chorus: Chorus, tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text("[Verse]\nPaper boats are sailing home\nLittle lanterns on the foam\n")
    out = tmp_path / "out"
    result = chorus(
        "generate",
        "--lyrics", str(lyrics),
        "--tags", "folk, male vocals",
        "--title", "Paper Boats",
        "--out", str(out),
        "--duration", "10",
        "--seed", "11",
        "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Paper Boats" in result.stdout
    sung = {
        w["word"].lower().strip(".,")
        for w in json.loads((out / "clip-1" / "lyrics.json").read_text())["words"]
    }
    assert {"paper", "boats"} <= sung


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["generate", "a song", "--duration", "5"], "duration"),
        (["generate", "a song", "--lyrics", "/no/such/file.txt"], "--lyrics"),
        (["generate"], "idea"),
        (["generate", "a song", "--server", "http://127.0.0.1:9", "--key", "k"], "cannot reach"),
        (["generate", "a song", "--server", "http://127.0.0.1:9"], "--key"),
        (["status", "some-task", "--server", "ftp://x", "--key", "k"], "--server"),
    ],
)
def test_errors_are_one_line(chorus: Chorus, args: list[str], needle: str) -> None:
    assert_one_line_error(chorus(*args, timeout=60), needle)


def test_a_refused_request_leaves_no_folder(chorus: Chorus, tmp_path: Path) -> None:
    # Without --out the clips would go to ./songs: not made for a request that fails.
    assert_one_line_error(chorus("generate", "a song", "--duration", "5", cwd=tmp_path), "duration")
    assert list(tmp_path.iterdir()) == []


def test_generate_through_server(
    chorus: Chorus, server: LiveServer, make_key: Callable[..., str], tmp_path: Path
) -> None:
    key = make_key(credits=1000)
    out = tmp_path / "remote"
    result = chorus(
        "generate", "a sunny song about bicycles",
        "--server", server.base_url, "--key", key,
        "--duration", "10", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("task ")
    for name in ("clip-1", "clip-2"):
        mp3s = list((out / name).glob("*.mp3"))
        assert len(mp3s) == 1, list((out / name).iterdir())
        _check_audio(mp3s[0], 10.0)
        assert list((out / name).glob("*.mp4"))


def test_generate_through_server_with_a_bad_key(chorus: Chorus, server: LiveServer) -> None:
    result = chorus("generate", "a song", "--server", server.base_url, "--key", "sk-not-a-key")
    assert_one_line_error(result, "key")
