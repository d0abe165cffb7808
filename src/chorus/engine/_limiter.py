"""A look-ahead true-peak limiter, computed for a whole signal at once.

The gain needed at each sample is ``ceiling / peak`` wherever the (4x interpolated) peak
is above the ceiling. Taking the minimum of that over a window reaching ``attack`` ahead
and ``hold`` behind, then averaging over the ``attack`` just before, gives a smooth gain
that is never above what any sample needs: every average only includes minima whose
window held that sample. Gain changes thus start ``attack`` before a peak (no overshoot,
no clipping) and let go ``hold`` after it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from chorus.engine._loudness import peak_envelope

ATTACK_S = 0.005
HOLD_S = 0.060


def _box(x: np.ndarray, size: int) -> np.ndarray:
    """Trailing moving average: ``y[i] = mean(x[i-size+1 .. i])`` (edge values repeated)."""
    if size <= 1:
        return x
    # uniform_filter1d centres its window; this origin moves it to end at i.
    result: np.ndarray = ndimage.uniform_filter1d(x, size, mode="nearest", origin=(size - 1) // 2)
    return result


def limiter_gain(
    audio: np.ndarray, sr: int, ceiling: float, attack_s: float = ATTACK_S, hold_s: float = HOLD_S
) -> np.ndarray:
    """Per-sample gain (n,) in 0..1 that keeps the true peak of ``audio * gain`` at about
    ``ceiling`` (linear full scale). ``sr`` in Hz; ``attack_s``/``hold_s`` in seconds."""
    env = peak_envelope(audio, floor=ceiling)
    n = len(env)
    if n == 0 or env.max() <= ceiling:
        return np.ones(n)
    need = np.minimum(1.0, ceiling / np.maximum(env, 1e-12))
    attack = max(2, round(attack_s * sr))
    hold = max(1, round(hold_s * sr))
    # Window [i - hold, i + attack]: minimum_filter1d centres a window of ``size`` on i
    # shifted left by ``origin``.
    size = hold + attack + 1
    origin = (size // 2) - hold
    held = ndimage.minimum_filter1d(need, size, origin=-origin, mode="nearest")
    # Two trailing boxes of half the attack: a triangular average within [i - attack, i].
    half = attack // 2
    return np.asarray(np.minimum(_box(_box(held, half), attack - half + 1), 1.0))


def limit(audio: np.ndarray, sr: int, ceiling: float, in_place: bool = False) -> np.ndarray:
    """``audio`` ((n,) or (n, channels)) through the limiter, true peak near ``ceiling``.

    With ``in_place`` the (float) input array itself is scaled and returned.
    """
    gain = limiter_gain(audio, sr, ceiling).astype(audio.dtype)
    out = audio if in_place else audio.copy()
    out *= gain[:, None] if audio.ndim == 2 else gain
    return out


def block_peaks(envelope: np.ndarray, block: int) -> np.ndarray:
    """The largest value of ``envelope`` (n,) in each run of ``block`` samples (the last
    run may be shorter): (ceil(n / block),)."""
    n = len(envelope)
    whole = n // block
    peaks = envelope[: whole * block].reshape(whole, block).max(axis=1)
    if n > whole * block:
        peaks = np.append(peaks, envelope[whole * block :].max())
    return np.asarray(peaks)


def block_limiter_gain(
    peaks: np.ndarray,
    ceiling: float,
    block: int,
    sr: int,
    *,
    attack_s: float = ATTACK_S,
    hold_s: float = HOLD_S,
) -> np.ndarray:
    """The limiter's gain at block resolution: one value per ``block`` samples.

    ``peaks[b]`` is the largest true-peak envelope value in samples
    ``b*block .. (b+1)*block - 1``; the result's ``[b]`` is the gain at sample
    ``b*block``. Interpolated linearly between those points, the gain keeps every
    sample's peak at most ``ceiling`` (linear full scale): each point is the average of
    minima taken over windows holding both its own block and the next one. ``sr`` in Hz,
    ``attack_s``/``hold_s`` in seconds as for :func:`limiter_gain`.
    """
    need = np.minimum(1.0, ceiling / np.maximum(peaks.astype(np.float64), 1e-12))
    if not len(need) or need.min() >= 1.0:
        return np.ones(len(need))
    attack = max(2, math.ceil(attack_s * sr / block))
    hold = max(1, math.ceil(hold_s * sr / block))
    # Window [b - hold, b + attack + 1] (see limiter_gain for the origin convention).
    size = hold + attack + 2
    held = ndimage.minimum_filter1d(need, size, origin=hold - size // 2, mode="nearest")
    half = attack // 2
    # Triangular average within [b - attack + 1, b]: every minimum in it covers b, b + 1.
    return np.asarray(np.minimum(_box(_box(held, half), attack - half + 1), 1.0))


def expand_gain(points: np.ndarray, block: int, start: int, stop: int) -> np.ndarray:
    """Samples ``start .. stop - 1`` (float32) of the gain whose value at sample
    ``b*block`` is ``points[b]``, linear in between (constant after the last point)."""
    b0 = start // block
    b1 = min(len(points), -(-stop // block) + 1)
    knots = points[b0:b1]
    if len(knots) and knots.min() >= 1.0:
        return np.ones(stop - start, dtype=np.float32)
    where = np.arange(start, stop, dtype=np.float64)
    at = np.arange(b0, b1, dtype=np.float64) * block
    return np.asarray(np.interp(where, at, knots), dtype=np.float32)
