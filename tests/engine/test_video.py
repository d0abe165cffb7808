"""The video (and the song's MP3 beside it): real files made with ffmpeg, probed for their
streams and duration."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from _factories import band_score

from chorus.engine.cover import make_cover
from chorus.engine.encode import EncodeError, decode_audio, ffmpeg_exe, pcm16, write_mp3
from chorus.engine.video import VideoWriter, media_duration


def _probe(path: Path) -> str:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, check=False
    )
    return proc.stderr.decode()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("video")
    cover, small = folder / "cover.jpg", folder / "cover_small.jpg"
    make_cover(band_score(), cover, small)
    sr = 44100
    t = np.arange(round(11.5 * sr)) / sr
    audio = (0.3 * np.sin(2 * np.pi * 220 * t))[:, None].repeat(2, axis=1)
    mp3 = folder / "song.mp3"
    write_mp3(mp3, audio.astype(np.float32), sr)
    return cover, mp3


def test_video_of_a_broken_cover_fails_cleanly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    with (
        pytest.raises(EncodeError),
        VideoWriter(broken, tmp_path / "video.mp4", 44100, 2, 1.0) as video,
    ):
        video.write(bytes(4 * 44100))
    assert [p.name for p in tmp_path.iterdir()] == ["broken.jpg"]


def test_video_from_pcm_in_pieces_matches_the_song(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    cover, mp3 = inputs
    audio, sr = decode_audio(mp3)
    out = tmp_path / "video.mp4"
    with VideoWriter(cover, out, sr, 2, len(audio) / sr) as video:
        for a in range(0, len(audio), sr):
            video.write(pcm16(audio[a : a + sr], 2))
    info = _probe(out)
    assert re.search(r"Video: h264 .*yuv420p.*720x720", info)
    assert re.search(r"Audio: aac", info)
    assert media_duration(out) == pytest.approx(len(audio) / sr, abs=0.1)
    assert [p.name for p in tmp_path.iterdir()] == ["video.mp4"]


def test_the_same_run_writes_the_song_mp3(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    cover, mp3 = inputs
    audio, sr = decode_audio(mp3)
    out, song = tmp_path / "video.mp4", tmp_path / "song.mp3"
    with VideoWriter(cover, out, sr, 2, len(audio) / sr, mp3=song) as video:
        for a in range(0, len(audio), sr):
            video.write(pcm16(audio[a : a + sr], 2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mp3", "video.mp4"]
    assert re.search(r"Audio: mp3.*44100 Hz, stereo.*192 kb/s", _probe(song))
    assert re.search(r"Audio: aac", _probe(out))
    # The MP3's Info frame carries the encoder delay: it decodes to the samples given, in
    # place (a shift of two samples alone would leave 7 % of the tone as error).
    decoded, decoded_sr = decode_audio(song)
    assert decoded_sr == sr
    assert len(decoded) == pytest.approx(len(audio), abs=sr * 0.01)
    m = min(len(decoded), len(audio))
    error = decoded[:m] - audio[:m]
    assert float(np.sqrt(np.mean(error**2))) < 0.05 * float(np.sqrt(np.mean(audio**2)))


def test_a_failed_run_leaves_neither_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    video = VideoWriter(broken, tmp_path / "video.mp4", 44100, 2, 1.0, mp3=tmp_path / "song.mp3")
    video.write(bytes(4 * 44100))
    with pytest.raises(EncodeError):
        video.close()
    assert [p.name for p in tmp_path.iterdir()] == ["broken.jpg"]
