"""The exact master of a whole song in one pass over its samples.

The premaster's loudness is measured while it is made (:class:`LoudnessMeter` keeps the
K-weighted power of every 100 ms step), so mastering needs no second loudness pass: the
gain that reaches the target is solved on those few numbers. The limiter works at block
resolution (one gain point per :data:`BLOCK` samples, from the largest true peak in each
block); how much it takes off each step's power follows from the gain points, so the gain
and the limiter are solved together without touching the samples. The samples are then
scaled once, a stretch at a time. The prediction is exact to a few hundredths of a LU;
only a master limited deeper than :data:`TRUSTED_LIMITING_LU` (or too short to gate) is
measured again, and solved again for a target moved by what it missed if that was more
than :data:`TOLERANCE_LU`.

The premaster need not be in memory: :func:`plan_master` reads only the stretches that
could peak from any :class:`~chorus.engine._loudness.Samples` (the render keeps its
premaster on disk) and gives a :class:`MasterPlan` that masters any stretch on its own, as
the encoders read it. :func:`finish_master` does both to an array in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from chorus.engine._limiter import block_limiter_gain, expand_gain
from chorus.engine._loudness import (
    ArraySamples,
    LoudnessMeter,
    Samples,
    block_sample_peaks,
    block_true_peaks,
    blocks_from_steps,
    gated_lufs,
    interpolated_peaks,
    magnitude,
)

__all__ = ["BLOCK", "MasterPlan", "apply_fades", "finish_master", "plan_master"]

BLOCK = 32  # samples per limiter gain point (0.7 ms at 44.1 kHz)
LIMITER_MARGIN_DB = 0.15  # the limiter aims this far under the ceiling
ENVELOPE_HEADROOM_DB = 0.5  # how far the gain may rise over the sample-peak solution
# before the true peaks have to be measured again
NEAR_CEILING_DB = 0.6  # blocks planned within this of the ceiling are checked at the end
TOLERANCE_LU = 0.1
# Up to this much limiting (the loudness it takes off), the predicted loudness has been
# within 0.05 LU of a measurement (songs take off 0.1-2.5 LU; kick drums pushed into the
# limiter 10.5 LU gave 0.04): a master limited deeper is measured again (a K-weighted pass
# over the whole song) and solved again if it missed.
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
    audio: Samples,
    sample_peaks: np.ndarray,
    meter: LoudnessMeter,
    loudness: float,
    *,
    target: float,
    ceiling: float,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The gain and the limiter's gain points that bring ``audio`` (whose block sample
    peaks are ``sample_peaks``) to ``target`` LUFS, and the block true peaks they were
    found for (exact where they matter)."""
    sr, step = meter.sr, meter.step
    steps, fine = meter.step_powers(), meter.fine_powers()
    aim = ceiling * _db(-LIMITER_MARGIN_DB)
    gain = _db(target - loudness)
    # First solve on sample peaks (no interpolation at all), then measure true peaks
    # only where the gain found could take them near the ceiling.
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


@dataclass(frozen=True, slots=True)
class MasterPlan:
    """How to master a premaster: the overall ``gain``, the limiter's gain ``points`` (one
    per :data:`BLOCK` samples, linear in between) and a last safety ``scale``."""

    gain: float
    points: np.ndarray
    scale: float = 1.0

    def apply(self, stretch: np.ndarray, start: int) -> None:
        """Master, in place, the premaster's samples ``start .. start + len(stretch)``
        ((n,) or (n, channels) float32)."""
        if not len(self.points):
            return
        x = _as_2d(stretch)
        for a in range(0, len(x), APPLY_SAMPLES):
            b = min(len(x), a + APPLY_SAMPLES)
            scale = expand_gain(self.points, BLOCK, start + a, start + b)
            scale *= np.float32(self.gain * self.scale)
            x[a:b] *= scale[:, None]


class _Mastered:
    """The premaster as a plan masters it, read a stretch at a time (:class:`Samples`)."""

    def __init__(self, audio: Samples, plan: MasterPlan) -> None:
        self.audio = audio
        self.plan = plan

    def __len__(self) -> int:
        return len(self.audio)

    def read(self, start: int, stop: int) -> np.ndarray:
        stretch = np.array(self.audio.read(start, stop), dtype=np.float32)
        self.plan.apply(stretch, max(start, 0))
        return stretch


def _loudness_of(audio: Samples, sr: int) -> float:
    """Integrated loudness of ``audio``, read a stretch at a time."""
    meter: LoudnessMeter | None = None
    for a in range(0, len(audio), APPLY_SAMPLES):
        stretch = audio.read(a, a + APPLY_SAMPLES)
        meter = meter or LoudnessMeter(sr, stretch.shape[1], fine=BLOCK)
        meter.add(stretch)
    return meter.lufs() if meter is not None else -math.inf


def _peak_of(audio: Samples, blocks: np.ndarray) -> float:
    """The largest sample or 4x interpolated magnitude of ``audio`` within ``blocks``
    (indices of runs of :data:`BLOCK` samples, ascending). Each run of neighbouring
    blocks is read once with a block either side (the interpolation's taps reach a few
    samples), and the runs are measured together, laid end to end."""
    if not len(blocks):
        return 0.0
    pieces: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    at = 0  # blocks laid so far
    for run in np.split(blocks, np.flatnonzero(np.diff(blocks) > 1) + 1):
        first, stop = max(int(run[0]) - 1, 0), int(run[-1]) + 2
        window = audio.read(first * BLOCK, stop * BLOCK)
        piece = np.zeros(((stop - first) * BLOCK, window.shape[1]), dtype=np.float32)
        piece[: len(window)] = window
        pieces.append(piece)
        ids.append(run - first + at)
        at += stop - first
    laid, where = np.concatenate(pieces), np.concatenate(ids)
    sample = magnitude(laid).reshape(-1, BLOCK).max(axis=1)[where]
    interpolated = interpolated_peaks(laid, BLOCK, where)
    return float(max(sample.max(), interpolated.max()))


def plan_master(
    audio: Samples,
    sample_peaks: np.ndarray,
    sr: int,
    meter: LoudnessMeter,
    *,
    target_lufs: float,
    ceiling_dbtp: float,
) -> MasterPlan:
    """Plan the master of ``audio`` (float32, fades already applied; ``sample_peaks`` its
    largest sample magnitude in each :data:`BLOCK` samples, all channels).

    ``meter`` (made with ``fine=BLOCK``) has measured exactly this audio at ``sr`` Hz.
    Mastered by the plan, the integrated loudness is ``target_lufs`` within 0.1 LU
    (unless the signal cannot get there) and the true peak at most ``ceiling_dbtp`` dBTP.
    Only the stretches that could peak are read (and, when the limiting is too deep to
    trust the prediction, the whole song once more).
    """
    loudness = meter.lufs()
    if not math.isfinite(loudness) or not len(audio):
        return MasterPlan(1.0, np.zeros(0))
    ceiling = _db(ceiling_dbtp)
    gain, points, peaks = _solve(
        audio, sample_peaks, meter, loudness, target=target_lufs, ceiling=ceiling
    )
    limiting = loudness + 20.0 * math.log10(gain) - target_lufs
    if limiting > TRUSTED_LIMITING_LU or len(meter.step_powers()) < 4:
        miss = target_lufs - _loudness_of(_Mastered(audio, MasterPlan(gain, points)), sr)
        if math.isfinite(miss) and abs(miss) > TOLERANCE_LU:
            gain, points, peaks = _solve(
                audio, sample_peaks, meter, loudness, target=target_lufs + miss, ceiling=ceiling
            )
    plan = MasterPlan(gain, points)
    # Only blocks planned near the ceiling can be over it: the gain moves too slowly to
    # lift a peak by more than a trace.
    planned = peaks * np.float32(gain) * np.maximum(points, np.append(points[1:], points[-1:]))
    near = np.flatnonzero(planned >= ceiling * _db(-NEAR_CEILING_DB))
    peak = _peak_of(_Mastered(audio, plan), near)
    if peak > ceiling:
        return MasterPlan(gain, points, ceiling / peak * 0.999)
    return plan


def finish_master(
    audio: np.ndarray, sr: int, meter: LoudnessMeter, target_lufs: float, ceiling_dbtp: float
) -> float:
    """Master ``audio`` ((n,) or (n, channels) float32, fades already applied) in place:
    :func:`plan_master`, then the plan applied. Returns the overall gain applied before
    limiting."""
    plan = plan_master(
        ArraySamples(audio), block_sample_peaks(audio, BLOCK), sr, meter,
        target_lufs=target_lufs, ceiling_dbtp=ceiling_dbtp,
    )  # fmt: skip
    plan.apply(audio, 0)
    return plan.gain
