"""Doubling the sample rate of chunked audio."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from chorus.engine._upsample import TAPS_PER_SIDE, Upsampler


def _tones(n: int, sr: float, freqs: tuple[float, ...], offset: float = 0.0) -> np.ndarray:
    t = (np.arange(n) + offset) / sr
    left = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
    return np.stack([left, 0.5 * left], axis=1).astype(np.float32)


@pytest.mark.parametrize("freq", [100.0, 1000.0, 5000.0, 9000.0])
def test_tones_come_out_at_the_double_rate_delayed_by_the_taps(freq: float) -> None:
    sr = 22050
    up = Upsampler(2).process(_tones(sr, sr, (freq,)))
    assert up.shape == (2 * sr, 2)
    # Output frame k is input frame k / 2 - TAPS_PER_SIDE.
    expected = _tones(2 * sr, 2 * sr, (freq,), offset=-2 * TAPS_PER_SIDE)
    steady = slice(4 * TAPS_PER_SIDE, 2 * sr - 4 * TAPS_PER_SIDE)
    err = up[steady] - expected[steady]
    snr = 10 * np.log10(np.sum(expected[steady] ** 2) / np.sum(err**2))
    assert snr > 50.0


def test_a_step_is_delayed_by_the_taps() -> None:
    up = Upsampler(1).process(np.ones((100, 1), dtype=np.float32))[:, 0]
    # Halfway between input frames -1 (silence before the start) and 0 (the step).
    assert up[2 * TAPS_PER_SIDE - 1] == pytest.approx(0.5, abs=1e-3)
    assert np.abs(up[:TAPS_PER_SIDE]).max() < 0.01
    assert up[2 * TAPS_PER_SIDE] == pytest.approx(1.0, abs=1e-6)
    assert up[-1] == pytest.approx(1.0, abs=1e-3)


def test_chunks_join_exactly_like_one_call() -> None:
    signal = _tones(5000, 22050, (440.0, 3000.0))
    whole = Upsampler(2).process(signal)
    upsampler = Upsampler(2)
    cuts = [0, 1, 7, 31, 32, 1000, 4999, 5000]
    parts = [upsampler.process(signal[a:b]) for a, b in itertools.pairwise(cuts)]
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-6)


def test_reset_forgets_the_past() -> None:
    upsampler = Upsampler(2)
    upsampler.process(np.ones((64, 2), dtype=np.float32))
    upsampler.reset()
    assert not upsampler.process(np.zeros((64, 2), dtype=np.float32)).any()
