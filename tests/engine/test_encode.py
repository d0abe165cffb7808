"""MP3 and WAV files, decoded again with ffmpeg and compared with what went in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chorus.engine.encode import EncodeError, Mp3StreamWriter, decode_audio, write_mp3, write_wav


def _music(sr: int, seconds: float, channels: int = 2) -> np.ndarray:
    t = np.arange(round(sr * seconds)) / sr
    left = 0.4 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    right = 0.3 * np.sin(2 * np.pi * 330 * t + 1.0)
    audio = np.stack([left, right], axis=1)[:, :channels]
    return audio.astype(np.float32)


def _aligned_correlation(a: np.ndarray, b: np.ndarray, sr: int) -> float:
    """Correlation of mono ``a`` and ``b`` after removing the codec delay."""
    a, b = a.mean(axis=1), b.mean(axis=1)
    window = a[sr : 2 * sr]
    best = 0.0
    for lag in range(0, 3000):
        seg = b[sr + lag : 2 * sr + lag]
        best = max(best, float(np.corrcoef(window, seg)[0, 1]))
    return best


# MP3 frames are 1152 samples at these rates; LAME's delay and padding stay under 50 ms.
@pytest.mark.parametrize("sr", [44100, 48000])
def test_stream_writer_file_plays_while_growing(tmp_path: Path, sr: int) -> None:
    audio = _music(sr, 12.0)
    path = tmp_path / "stream.mp3"
    chunk = 2 * sr
    with Mp3StreamWriter(path, sr=sr) as writer:
        for i in range(0, len(audio), chunk):
            writer.write(audio[i : i + chunk])
            if i == 2 * chunk:
                partial, partial_sr = decode_audio(path)
                assert partial_sr == sr
                # Three chunks (6 s) handed over; LAME holds back at most a frame or two.
                assert 5.8 <= len(partial) / sr <= 6.1
        assert writer.seconds_written == pytest.approx(12.0)
    decoded, decoded_sr = decode_audio(path)
    assert decoded_sr == sr
    assert decoded.shape[1] == 2
    assert abs(len(decoded) / sr - 12.0) <= 0.05
    assert _aligned_correlation(audio, decoded, sr) > 0.98


def test_stream_writer_refuses_writes_after_close(tmp_path: Path) -> None:
    writer = Mp3StreamWriter(tmp_path / "s.mp3", sr=44100)
    writer.close()
    writer.close()
    with pytest.raises(EncodeError):
        writer.write(_music(44100, 0.5))


@pytest.mark.parametrize("channels", [1, 2])
def test_write_mp3_has_the_right_duration(tmp_path: Path, channels: int) -> None:
    sr = 44100
    audio = _music(sr, 7.3, channels)
    if channels == 1:
        audio = audio[:, 0]
    path = tmp_path / "song.mp3"
    write_mp3(path, audio, sr)
    decoded, decoded_sr = decode_audio(path)
    assert decoded_sr == sr
    assert decoded.shape[1] == channels
    assert abs(len(decoded) / sr - 7.3) <= 0.05
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


def test_wav_round_trip(tmp_path: Path) -> None:
    sr = 22050
    audio = _music(sr, 2.0)
    audio[100] = [1.5, -1.5]  # out of range: clipped, not wrapped around
    path = tmp_path / "stems" / "bass.wav"
    write_wav(path, audio, sr)
    decoded, decoded_sr = decode_audio(path)
    assert decoded_sr == sr
    assert decoded.shape == audio.shape
    np.testing.assert_allclose(decoded, np.clip(audio, -1.0, 1.0), atol=1.5 / 32768)
    assert [p.name for p in path.parent.iterdir()] == ["bass.wav"]


def test_decode_refuses_what_is_not_audio(tmp_path: Path) -> None:
    bogus = tmp_path / "x.mp3"
    bogus.write_text("not audio")
    with pytest.raises(EncodeError, match=r"x\.mp3"):
        decode_audio(bogus)
