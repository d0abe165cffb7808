"""The frame-rate WORLD synthesis, checked against pyworld's own on made-up parameters:
length, pitch, spectrum and level, voicing, and repeatability."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import pyworld
from scipy.signal import welch

from chorus.engine.voice import _synth

FS = 22050
BINS = 513
FRAME_MS = 10.0


def _envelope(frames: int, seed: int = 3) -> np.ndarray:
    """A smooth, vowel-like power envelope: two formant bumps over a falling tilt, moving
    slowly from frame to frame."""
    freqs = np.linspace(0.0, FS / 2, BINS)
    t = np.arange(frames)[:, None] / max(frames, 1)
    rng = np.random.default_rng(seed)
    f1 = 500.0 + 200.0 * np.sin(2 * np.pi * t + rng.uniform(0, 1))
    f2 = 1500.0 + 400.0 * np.cos(2 * np.pi * t)
    db = -12.0 * np.log2(1.0 + freqs / 500.0)
    db = (
        db
        + 20.0 * np.exp(-(((freqs - f1) / 150.0) ** 2))
        + 14.0 * np.exp(-(((freqs - f2) / 250.0) ** 2))
    )
    return np.asarray(1e-3 * 10.0 ** (db / 10.0), dtype=np.float32)


def _band_db(audio: np.ndarray, edges: np.ndarray) -> np.ndarray:
    freqs, power = welch(audio, FS, nperseg=1024)
    return np.array(
        [
            10.0 * np.log10(power[(freqs >= a) & (freqs < b)].mean())
            for a, b in itertools.pairwise(edges)
        ]
    )


@pytest.mark.parametrize("frames", [1, 2, 7, 150, 401])
def test_length_is_pyworlds(frames: int) -> None:
    f0 = np.full(frames, 180.0)
    sp, ap = _envelope(frames), np.full((frames, BINS), 0.2, dtype=np.float32)
    ours = _synth.synthesize(f0, sp, ap, FS, FRAME_MS)
    theirs = pyworld.synthesize(f0, sp.astype(np.float64), ap.astype(np.float64), FS, FRAME_MS)
    assert ours.dtype == np.float32
    assert ours.size == theirs.size


def test_no_frames_no_audio() -> None:
    empty = np.zeros((0, BINS), dtype=np.float32)
    assert _synth.synthesize(np.zeros(0), empty, empty, FS, FRAME_MS).size == 0


def _pitch_errors(audio: np.ndarray, pitch: float) -> tuple[float, float, float]:
    """Share of frames dio finds voiced, and the median and 90th percentile of their
    distance from ``pitch`` in cents."""
    x = audio[FS // 4 : -FS // 4].astype(np.float64)
    measured, times = pyworld.dio(x, FS, f0_floor=60.0, f0_ceil=1100.0, frame_period=5.0)
    measured = pyworld.stonemask(x, measured, times, FS)
    voiced = measured[measured > 0]
    cents = np.abs(1200.0 * np.log2(voiced / pitch))
    return voiced.size / measured.size, float(np.median(cents)), float(np.percentile(cents, 90))


@pytest.mark.parametrize("pitch", [98.0, 196.0, 261.63, 392.0, 523.25])
def test_voiced_frames_sound_at_their_pitch_as_steadily_as_pyworlds(pitch: float) -> None:
    frames = 200
    f0 = np.full(frames, pitch)
    sp, ap = _envelope(frames), np.full((frames, BINS), 0.05, np.float32)
    ours = _pitch_errors(_synth.synthesize(f0, sp, ap, FS, FRAME_MS), pitch)
    theirs = _pitch_errors(
        pyworld.synthesize(f0, sp.astype(np.float64), ap.astype(np.float64), FS, FRAME_MS),
        pitch,
    )
    assert ours[0] >= min(theirs[0], 0.97)
    assert ours[1] < 6.0
    # Fractional pulse positions: the period does not wobble between whole samples more
    # than WORLD's own does.
    assert ours[2] < theirs[2] + 2.0


@pytest.mark.parametrize(
    ("name", "aperiodicity", "voiced"),
    [
        ("periodic", 0.001, True),
        ("breathy", 0.5, True),
        ("noise", 0.999, True),
        ("unvoiced", 0.2, False),
    ],
)
def test_spectrum_and_level_match_pyworld(name: str, aperiodicity: float, voiced: bool) -> None:
    frames = 300
    f0 = np.full(frames, 210.0 if voiced else 0.0)
    sp = _envelope(frames)
    ap = np.full((frames, BINS), aperiodicity, dtype=np.float32)
    ours = _synth.synthesize(f0, sp, ap, FS, FRAME_MS)
    theirs = pyworld.synthesize(f0, sp.astype(np.float64), ap.astype(np.float64), FS, FRAME_MS)
    edges = np.array([100, 400, 800, 1600, 3200, 6400, 10000])
    difference = _band_db(ours, edges) - _band_db(theirs.astype(np.float32), edges)
    assert np.all(np.abs(difference) < 1.5), (name, difference)
    rms = float(np.sqrt(np.mean(ours**2)))
    assert rms == pytest.approx(float(np.sqrt(np.mean(theirs**2))), rel=0.12)


def test_unvoiced_frames_carry_no_pitch() -> None:
    frames = 200
    f0 = np.zeros(frames)
    audio = _synth.synthesize(
        f0, _envelope(frames), np.full((frames, BINS), 0.1, np.float32), FS, FRAME_MS
    )
    x = audio[FS // 4 : -FS // 4].astype(np.float64)
    # Noise: no lag between 2 and 20 ms repeats the signal.
    corr = np.correlate(x[:4096], x[:8192], mode="valid")[: int(0.02 * FS)] / np.dot(
        x[:4096], x[:4096]
    )
    assert float(np.max(np.abs(corr[int(0.002 * FS) :]))) < 0.5


def test_silent_frames_are_silent_and_the_output_has_no_dc() -> None:
    frames = 300
    f0 = np.full(frames, 150.0)
    sp = _envelope(frames)
    sp[100:200] = 1e-12
    ap = np.full((frames, BINS), 0.1, dtype=np.float32)
    audio = _synth.synthesize(f0, sp, ap, FS, FRAME_MS)
    hop = FS * FRAME_MS / 1000.0
    loud = audio[: int(90 * hop)]
    quiet = audio[int(115 * hop) : int(185 * hop)]
    assert float(np.sqrt(np.mean(quiet**2))) < 1e-3 * float(np.sqrt(np.mean(loud**2)))
    assert abs(float(np.mean(loud))) < 0.01 * float(np.sqrt(np.mean(loud**2)))


def test_the_same_parameters_give_the_same_audio() -> None:
    frames = 120
    f0 = np.where(np.arange(frames) % 40 < 30, 240.0, 0.0)
    sp, ap = _envelope(frames), np.full((frames, BINS), 0.3, dtype=np.float32)
    first = _synth.synthesize(f0, sp, ap, FS, FRAME_MS)
    assert np.array_equal(first, _synth.synthesize(f0, sp, ap, FS, FRAME_MS))
    assert np.all(np.isfinite(first))
