"""The vocoder's envelope helpers, on made-up envelopes."""

from __future__ import annotations

import numpy as np
import pytest

from chorus.engine.voice import _world

FS = 22050
BINS = 513


def test_lift_fundamental_raises_only_the_first_harmonic() -> None:
    freqs = np.linspace(0.0, FS / 2, BINS)
    sp = np.ones((3, BINS), dtype=np.float32)
    f0 = np.array([400.0, 400.0, 0.0])
    db = np.array([6.0, 0.0, 6.0])
    lifted = _world.lift_fundamental(sp, f0, db, FS)
    gain_db = 10.0 * np.log10(lifted.astype(np.float64))
    assert gain_db[0, _bin(freqs, 400.0)] == pytest.approx(6.0, abs=1e-3)
    assert 0.5 < gain_db[0, _bin(freqs, 560.0)] < 5.5
    assert np.all(gain_db[0, freqs >= 1.6 * 400.0] == 0.0)
    # No lift asked for, or an unvoiced frame: unchanged.
    assert np.array_equal(lifted[1:], sp[1:])
    assert np.array_equal(sp, np.ones((3, BINS), dtype=np.float32))


def _bin(freqs: np.ndarray, hz: float) -> int:
    return int(np.argmin(np.abs(freqs - hz)))
