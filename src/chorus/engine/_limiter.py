"""A look-ahead true-peak limiter, computed for a whole signal at once.

The gain needed at each sample is ``ceiling / peak`` wherever the (4x interpolated) peak
is above the ceiling. Taking the minimum of that over a window reaching ``attack`` ahead
and ``hold`` behind, then averaging over the ``attack`` just before, gives a smooth gain
that is never above what any sample needs: every average only includes minima whose
window held that sample. Gain changes thus start ``attack`` before a peak (no overshoot,
no clipping) and let go ``hold`` after it.
"""

from __future__ import annotations

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
