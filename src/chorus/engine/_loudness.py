"""Loudness and true peak measurement (ITU-R BS.1770-4 / EBU R 128).

Integrated loudness: K-weighting (a high shelf and a high pass), mean square over 400 ms
blocks every 100 ms, an absolute gate at -70 LUFS and a relative gate 10 LU below the
ungated level. True peak: the peak of the signal interpolated 4x with a 48-tap filter, as
Annex 2 of BS.1770 describes. Interpolating the whole signal would cost more than the rest
of the master together, so only the stretches that could reach the peak are interpolated.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import ndimage, signal

BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
OVERSAMPLE = 4
TAPS_PER_PHASE = 12
SILENCE_LUFS = -math.inf
FILTER_CHUNK = 1 << 18
PEAK_CHUNK = 1 << 16


@functools.lru_cache(maxsize=8)
def k_weighting(sr: int) -> np.ndarray:
    """Second-order sections of the K-weighting filter at ``sr`` Hz (BS.1770 stage 1+2)."""
    # Stage 1: the head's high shelf, +4 dB above ~1.7 kHz.
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sr)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = [
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / q + k * k) / a0,
    ]
    # Stage 2: the RLB high pass at ~38 Hz.
    f0, q = 38.13547087613982, 0.5003270373238773
    k = math.tan(math.pi * f0 / sr)
    a0 = 1.0 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


def _channels(audio: np.ndarray) -> np.ndarray:
    """``audio`` as a 2-D (n, channels) array."""
    a = np.asarray(audio)
    if a.ndim == 1:
        return a[:, None]
    if a.ndim != 2:
        raise ValueError("audio must be (n,) or (n, channels)")
    return a


def block_powers(audio: np.ndarray, sr: int) -> np.ndarray:
    """Channel-summed K-weighted mean square of each 400 ms gating block (75 % overlap).

    A signal shorter than one block gives one block: its whole length.
    """
    x = _channels(audio)
    # float32 filtering halves the cost; the level error it brings is below 0.01 LU.
    # Filtering a channel a stretch at a time (state carried) keeps memory small.
    sos = k_weighting(sr).astype(np.float32)
    power = np.zeros(len(x), dtype=np.float32)
    for c in range(x.shape[1]):
        zi = np.zeros((sos.shape[0], 2), dtype=np.float32)
        for a in range(0, len(x), FILTER_CHUNK):
            part = np.ascontiguousarray(x[a : a + FILTER_CHUNK, c], dtype=np.float32)
            weighted, zi = signal.sosfilt(sos, part, zi=zi)
            power[a : a + len(part)] += np.square(weighted)
    block, step = round(BLOCK_S * sr), round(STEP_S * sr)
    if len(power) < block:
        return np.array([power.mean(dtype=np.float64)]) if len(power) else np.zeros(0)
    if block == 4 * step:
        # Blocks are four whole steps: sum each step once, then add steps in fours.
        m = len(power) // step
        steps = power[: m * step].reshape(m, step).sum(axis=1, dtype=np.float64)
        four = steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]
        return np.asarray(four / block)
    csum = np.concatenate([[0.0], np.cumsum(power, dtype=np.float64)])
    starts = np.arange(0, len(power) - block + 1, step)
    result: np.ndarray = (csum[starts + block] - csum[starts]) / block
    return result


def _lufs(power: float | np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.asarray(-0.691 + 10.0 * np.log10(power))


def loudness_lufs(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness of ``audio`` ((n,) or (n, channels), full scale 1.0) in LUFS.

    ``-inf`` for silence. ``sr`` is the sample rate in Hz.
    """
    powers = block_powers(audio, sr)
    if not len(powers):
        return SILENCE_LUFS
    kept = powers[_lufs(powers) > ABSOLUTE_GATE_LUFS]
    if not len(kept):
        return SILENCE_LUFS
    relative = float(_lufs(kept.mean())) + RELATIVE_GATE_LU
    kept = kept[_lufs(kept) > relative]
    return float(_lufs(kept.mean()))


@functools.lru_cache(maxsize=1)
def _phases() -> np.ndarray:
    """The 4x interpolation filter as (phase, tap): a 48-tap Kaiser-windowed sinc passing
    up to 0.9 of the input's Nyquist frequency, gain 4 to make up for the zero stuffing."""
    taps = OVERSAMPLE * TAPS_PER_PHASE
    h = signal.firwin(taps, cutoff=0.9 / OVERSAMPLE, window=("kaiser", 6.0)) * OVERSAMPLE
    return np.asarray(h.reshape(TAPS_PER_PHASE, OVERSAMPLE).T[:, ::-1], dtype=np.float32)


def _magnitude(x: np.ndarray) -> np.ndarray:
    """Per-sample largest magnitude over channels."""
    mag = np.abs(x[:, 0])
    for c in range(1, x.shape[1]):
        np.maximum(mag, np.abs(x[:, c]), out=mag)
    return np.asarray(mag)


def peak_envelope(audio: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per sample, the largest magnitude of the 4x interpolated signal around it, over
    all channels: ``max(|x[i]|, interpolated values between i-1 and i+1)``.

    Only samples whose neighbourhood could reach ``floor`` are interpolated; elsewhere
    the envelope is the plain sample magnitude (then known to stay below ``floor``).
    """
    x = _channels(audio)
    mag = _magnitude(x)
    n = len(mag)
    if n == 0:
        return mag
    phases = _phases()
    reach = float(np.abs(phases).sum(axis=1).max())
    half = TAPS_PER_PHASE // 2
    if floor > 0:
        # An interpolated value is at most ``reach`` times the largest of its 12 taps.
        near = ndimage.maximum_filter1d(mag, TAPS_PER_PHASE + 2, mode="constant")
        if not np.any(near >= floor / reach):
            return mag
    env = mag.copy()
    taps = np.arange(1 - half, half + 1)
    # A stretch at a time, so the index arrays stay small whatever the signal.
    for a in range(0, n, PEAK_CHUNK):
        if floor > 0:
            k = np.flatnonzero(near[a : a + PEAK_CHUNK] >= floor / reach) + a
        else:
            k = np.arange(a, min(n, a + PEAK_CHUNK))
        if not len(k):
            continue
        # windows[k, t, c] = x[k - half + 1 + t, c]: the taps around the gap k..k+1
        where = k[:, None] + taps[None, :]
        windows = x[np.clip(where, 0, n - 1)]
        outside = (where < 0) | (where >= n)
        if outside.any():
            windows[outside] = 0.0
        values = np.abs(np.einsum("ktc,pt->kpc", windows, phases)).max(axis=(1, 2))
        np.maximum.at(env, k, values)
        np.maximum.at(env, np.minimum(k + 1, n - 1), values)
    return env


def true_peak(audio: np.ndarray) -> float:
    """Linear true peak (4x oversampled) over all channels."""
    x = _channels(audio)
    if not x.size:
        return 0.0
    sample_peak = float(np.abs(x).max())
    return float(peak_envelope(x, floor=sample_peak).max())


def true_peak_dbtp(audio: np.ndarray, sr: int) -> float:
    """True peak of ``audio`` in dBTP (``-inf`` for silence). ``sr`` is unused by the
    interpolation (it is rate-relative) and kept for symmetry with :func:`loudness_lufs`."""
    del sr
    peak = true_peak(audio)
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf
