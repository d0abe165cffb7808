"""Doubling the sample rate of any stretch of a signal."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from chorus.engine._upsample import TAPS_PER_SIDE, double_rate, input_span


def _tones(n: int, sr: float, freqs: tuple[float, ...], offset: float = 0.0) -> np.ndarray:
    t = (np.arange(n) + offset) / sr
    left = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
    return np.stack([left, 0.5 * left], axis=1).astype(np.float32)


def _double(signal: np.ndarray, start: int, n: int) -> np.ndarray:
    """``double_rate`` of a signal that is silent outside ``signal``."""
    low, high = input_span(start, n)
    padded = np.zeros((high - low, signal.shape[1]), dtype=np.float32)
    a, b = max(low, 0), min(high, len(signal))
    if b > a:
        padded[a - low : b - low] = signal[a:b]
    return double_rate(padded, low, start, n)


@pytest.mark.parametrize("freq", [100.0, 1000.0, 5000.0, 9000.0])
def test_tones_come_out_at_the_double_rate_in_time(freq: float) -> None:
    sr = 22050
    up = _double(_tones(sr, sr, (freq,)), 0, 2 * sr)
    assert up.shape == (2 * sr, 2)
    assert up.dtype == np.float32
    expected = _tones(2 * sr, 2 * sr, (freq,))
    steady = slice(200, 2 * sr - 200)  # away from the signal's own start and end
    err = up[steady] - expected[steady]
    snr = 10 * np.log10(np.sum(expected[steady] ** 2) / np.sum(err**2))
    assert snr > 50.0


def test_even_samples_are_the_input_and_a_step_is_halfway_between() -> None:
    step = np.ones((100, 1), dtype=np.float32)
    up = _double(step, -80, 160)[:, 0]  # output samples -80 .. 79
    assert np.all(up[80::2] == 1.0)
    assert np.all(up[:80:2] == 0.0)
    # Output sample -1 lies halfway between input -1 (silence) and 0 (the step).
    assert up[79] == pytest.approx(0.5, abs=1e-3)
    # The filter reaches TAPS_PER_SIDE input samples ahead and no further.
    assert not up[: 80 - 2 * TAPS_PER_SIDE].any()
    assert up[80 - 2 * TAPS_PER_SIDE + 1] != 0.0


def test_stretches_join_exactly_like_one_call() -> None:
    signal = _tones(5000, 22050, (440.0, 3000.0))
    whole = _double(signal, 0, 10000)
    cuts = [0, 1, 7, 31, 32, 1001, 9999, 10000]
    parts = [_double(signal, a, b - a) for a, b in itertools.pairwise(cuts)]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_input_that_does_not_cover_the_range_is_refused() -> None:
    low, high = input_span(100, 50)
    with pytest.raises(ValueError, match="cover"):
        double_rate(np.zeros((high - low - 1, 2), dtype=np.float32), low, 100, 50)
