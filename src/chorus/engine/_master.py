"""The exact master of a whole song in one pass over its samples.

The premaster's loudness is measured while it is made (:class:`LoudnessMeter` keeps the
K-weighted power of every 100 ms step), so mastering needs no second loudness pass: the
gain that reaches the target is solved on those few numbers. The limiter works at block
resolution (one gain point per :data:`BLOCK` samples, from the largest true peak in each
block); how much it takes off each step's power follows from the gain points, so the gain
and the limiter are solved together without touching the samples. The samples are then
scaled once, in place, a stretch at a time. The prediction is exact to a few hundredths
of a LU; only a master limited deeper than :data:`TRUSTED_LIMITING_LU` is measured again,
and mastered once more if it missed by more than :data:`TOLERANCE_LU`.
"""

from __future__ import annotations

import math

import numpy as np

from chorus.engine._limiter import block_limiter_gain, expand_gain
from chorus.engine._loudness import (
    LoudnessMeter,
    block_sample_peaks,
    block_true_peaks,
    blocks_from_steps,
    gated_lufs,
    interpolated_peaks,
)

__all__ = ["BLOCK", "apply_fades", "finish_master"]

BLOCK = 32  # samples per limiter gain point (0.7 ms at 44.1 kHz)
LIMITER_MARGIN_DB = 0.15  # the limiter aims this far under the ceiling
ENVELOPE_HEADROOM_DB = 0.5  # how far the gain may rise over the sample-peak solution
# before the true peaks have to be measured again
NEAR_CEILING_DB = 0.6  # blocks planned within this of the ceiling are checked at the end
TOLERANCE_LU = 0.1
# Up to this much limiting (the loudness it takes off), the predicted loudness has been
# within 0.05 LU of a measurement (songs take off 0.1-2.5 LU; kick drums pushed into the
# limiter 10.5 LU gave 0.04): a master limited deeper is measured again (a whole K-weighted
# pass) and corrected if it missed.
TRUSTED_LIMITING_LU = 6.0
SOLVE_TOLERANCE_LU = 0.02
MAX_ROUNDS = 8
APPLY_SAMPLES = 1 << 16
FADE_IN_S = 0.005
FADE_OUT_S = 0.3


def _db(x: float) -> float:
    return float(10.0 ** (x / 20.0))


def _as_2d(audio: np.ndarray) -> np.ndarray:
    return audio[:, None] if audio.ndim == 1 else audio


def apply_fades(chunk: np.ndarray, offset: int, total: int, sr: int) -> None:
    """Fade ``chunk`` in place as the samples ``offset .. offset+len(chunk)-1`` of a song of
    ``total`` samples at ``sr`` Hz: a 5 ms sine fade in and a 300 ms raised-cosine fade out
    reaching exactly zero at the last sample. Chunks can be faded one by one."""
    x = _as_2d(chunk)
    n = len(x)
    fin = min(total, round(FADE_IN_S * sr))
    if offset < fin:
        i = np.arange(offset, min(fin, offset + n))
        x[: len(i)] *= np.sin(0.5 * np.pi * i / fin).astype(np.float32)[:, None]
    fout = min(total, round(FADE_OUT_S * sr))
    first = total - fout
    if offset + n > first:
        i = np.arange(max(first, offset), offset + n)
        shape = 0.5 + 0.5 * np.cos(np.pi * (i - first + 1) / fout)
        x[i[0] - offset :] *= shape.astype(np.float32)[:, None]


def _step_ratios(points: np.ndarray, fine: np.ndarray, n_steps: int, step: int) -> np.ndarray:
    """How much of each 100 ms step's K-weighted power the limiter leaves: the power of
    every block (``fine``, summed over BLOCK samples) weighted by the square of the gain
    there, which follows where in a step the power lies (limiting takes off the loudest
    moments)."""
    g2 = np.square(points)
    # Mean square of the gain over block b: a trapezoid between its two points.
    inside = 0.5 * (g2 + np.append(g2[1:], g2[-1:]))
    m = min(len(inside), len(fine))
    weighted, power = fine[:m] * inside[:m], fine[:m]
    # Each block counts in the step its first sample falls in.
    owner = np.arange(m) * BLOCK // step
    kept = np.bincount(owner, weights=weighted, minlength=n_steps)[:n_steps]
    total = np.bincount(owner, weights=power, minlength=n_steps)[:n_steps]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(total > 0, kept / np.where(total > 0, total, 1.0), 1.0)
    return np.asarray(ratio)


def _predicted_lufs(
    steps: np.ndarray, fine: np.ndarray, gain: float, points: np.ndarray, step: int
) -> float:
    """Loudness of the premaster scaled by ``gain`` and limited by ``points``."""
    if not len(steps):
        return -math.inf
    limited = steps * gain**2 * _step_ratios(points, fine, len(steps), step)
    return gated_lufs(blocks_from_steps(limited))


def _rounds(
    steps: np.ndarray,
    fine: np.ndarray,
    peaks: np.ndarray,
    gain: float,
    sr: int,
    *,
    step: int,
    target: float,
    aim: float,
) -> tuple[float, np.ndarray]:
    """Alternate limiter and gain until the predicted loudness is ``target``."""
    points = np.ones(len(peaks))
    for _ in range(MAX_ROUNDS):
        points = block_limiter_gain(peaks * np.float32(gain), aim, BLOCK, sr)
        if len(steps) < 4:
            break  # too short to gate: the exact check settles it
        miss = target - _predicted_lufs(steps, fine, gain, points, step)
        if abs(miss) <= SOLVE_TOLERANCE_LU:
            break
        gain *= _db(miss)
    return gain, points


def _solve(
    audio: np.ndarray, meter: LoudnessMeter, loudness: float, *, target: float, ceiling: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """The gain and the limiter's gain points that bring ``audio`` to ``target`` LUFS, and
    the block true peaks they were found for (exact where they matter)."""
    sr, step = meter.sr, meter.step
    steps, fine = meter.step_powers(), meter.fine_powers()
    aim = ceiling * _db(-LIMITER_MARGIN_DB)
    gain = _db(target - loudness)
    # First solve on sample peaks (no interpolation at all), then measure true peaks
    # only where the gain found could take them near the ceiling.
    sample_peaks = block_sample_peaks(audio, BLOCK)
    gain, points = _rounds(steps, fine, sample_peaks, gain, sr, step=step, target=target, aim=aim)
    envelope_gain = gain * _db(ENVELOPE_HEADROOM_DB)
    peaks = sample_peaks
    for _ in range(3):
        peaks = block_true_peaks(audio, BLOCK, aim / envelope_gain, sample_peaks)
        gain, points = _rounds(steps, fine, peaks, gain, sr, step=step, target=target, aim=aim)
        if gain <= envelope_gain:
            break
        envelope_gain = gain * _db(ENVELOPE_HEADROOM_DB)
    return gain, points, peaks


def finish_master(
    audio: np.ndarray,
    sr: int,
    meter: LoudnessMeter,
    target_lufs: float,
    ceiling_dbtp: float,
    *,
    rounds: int = 2,
) -> float:
    """Master ``audio`` ((n,) or (n, channels) float32, fades already applied) in place.

    ``meter`` (made with ``fine=BLOCK``) has measured exactly this audio at ``sr`` Hz.
    Afterwards the integrated loudness is ``target_lufs`` within 0.1 LU (unless the
    signal cannot get there) and the true peak at most ``ceiling_dbtp`` dBTP. Returns the
    overall gain applied before limiting. ``rounds`` bounds the corrective passes.
    """
    loudness = meter.lufs()
    if not math.isfinite(loudness) or not len(audio):
        return 1.0
    ceiling = _db(ceiling_dbtp)
    gain, points, peaks = _solve(audio, meter, loudness, target=target_lufs, ceiling=ceiling)
    limiting = loudness + 20.0 * math.log10(gain) - target_lufs
    x = _as_2d(audio)
    for a in range(0, len(x), APPLY_SAMPLES):
        b = min(len(x), a + APPLY_SAMPLES)
        scale = expand_gain(points, BLOCK, a, b)
        scale *= np.float32(gain)
        x[a:b] *= scale[:, None]
    # Only blocks planned near the ceiling can be over it: the gain moves too slowly to
    # lift a peak by more than a trace.
    planned = peaks * np.float32(gain) * np.maximum(points, np.append(points[1:], points[-1:]))
    near = np.flatnonzero(planned >= ceiling * _db(-NEAR_CEILING_DB))
    if limiting > TRUSTED_LIMITING_LU and rounds > 1:
        check = LoudnessMeter(sr, x.shape[1], fine=BLOCK)
        check.add(audio)
        miss = target_lufs - check.lufs()
        if math.isfinite(miss) and abs(miss) > TOLERANCE_LU:
            # The prediction missed: master the result once more (a small correction).
            return gain * finish_master(
                audio, sr, check, target_lufs, ceiling_dbtp, rounds=rounds - 1
            )
    peak = max(
        float(block_sample_peaks(audio, BLOCK).max(initial=0.0)),
        float(interpolated_peaks(audio, BLOCK, near).max(initial=0.0)),
    )
    if peak > ceiling:
        audio *= np.float32(ceiling / peak * 0.999)
    return gain
