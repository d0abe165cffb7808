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


def _tone_then_noise() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Half a second of a 150 Hz harmonic tone, then half a second of noise; one voiced
    frame (71) stands alone in the noise."""
    rng = np.random.default_rng(1)
    t = np.arange(FS) / FS
    tone = sum(np.sin(2 * np.pi * 150.0 * k * t) / k for k in range(1, 30))
    noise = rng.normal(size=t.size)
    # A little breath under the tone gives every band some energy.
    x = np.where(t < 0.5, 0.3 * tone + 0.003 * noise, 0.1 * noise)
    times = np.arange(101) * _world.FRAME_PERIOD_MS / 1000.0
    f0 = np.where(times < 0.5, 150.0, 0.0)
    f0[71] = 150.0
    return x, f0, times


def test_aperiodicity_is_d4c_on_most_frames_and_their_mean_between() -> None:
    import pyworld

    x, f0, times = _tone_then_noise()
    full = pyworld.d4c(x, f0, times, FS, threshold=0.0, fft_size=1024)
    ap = _world._aperiodicity(x, f0, times, FS, fft_size=1024)
    assert ap.shape == full.shape == (101, BINS)
    # Every even frame, and the odd frames where the voicing changes (49 is the tone's
    # last frame, 71 stands alone), are D4C's own values (to the safeguard noise D4C
    # adds, which depends on the frames it is given).
    direct = [*range(0, 101, 2), 49, 71]
    np.testing.assert_allclose(ap[direct], full[direct], atol=1e-3)
    between = [i for i in range(1, 101, 2) if i not in (49, 71)]
    np.testing.assert_allclose(
        ap[between], 0.5 * (ap[np.subtract(between, 1)] + ap[np.add(between, 1)])
    )
    # Within the steady tone the mean is close to what D4C would have said.
    tone = [i for i in between if i < 49]
    assert float(np.median(np.abs(ap[tone] - full[tone]))) < 0.02


def test_analysis_gives_envelopes_and_aperiodicity_on_the_same_bins() -> None:
    x, f0, _ = _tone_then_noise()
    hints = np.where(f0 > 0, _world.VOICED, _world.UNVOICED).astype(np.int8)
    analysis = _world.analyze(x.astype(np.float32), FS, hints)
    assert analysis.sp.shape == analysis.ap.shape == (analysis.frames, BINS)
    # The tone's envelope peaks near its harmonics, below 4.5 kHz; the noise is aperiodic.
    freqs = np.linspace(0.0, FS / 2, BINS)
    assert freqs[int(np.argmax(analysis.sp[20]))] < 4500.0
    assert float(np.median(analysis.ap[80])) > 0.9 > float(np.median(analysis.ap[20, :100]))
    audio = _world.synthesize(analysis.f0, analysis.sp, analysis.ap, FS)
    assert abs(audio.size - x.size) <= FS * _world.FRAME_PERIOD_MS / 1000.0
    assert 0.05 < float(np.sqrt(np.mean(audio[: FS // 2] ** 2))) < 1.0
