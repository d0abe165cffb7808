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
from typing import Protocol

import numpy as np
from scipy import ndimage, signal

BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
OVERSAMPLE = 4
TAPS_PER_PHASE = 12
SILENCE_LUFS = -math.inf
FILTER_CHUNK = 1 << 16
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


class Samples(Protocol):
    """Audio read a stretch at a time (an array, or a premaster on disk)."""

    def __len__(self) -> int: ...

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``start .. stop - 1`` (clipped to the audio) as (n, channels)."""
        ...


class ArraySamples:
    """An in-memory (n,) or (n, channels) array as :class:`Samples`."""

    def __init__(self, audio: np.ndarray) -> None:
        self.audio = _channels(audio)

    def __len__(self) -> int:
        return len(self.audio)

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.audio[max(start, 0) : max(stop, 0)]


def _samples(audio: np.ndarray | Samples) -> Samples:
    return ArraySamples(audio) if isinstance(audio, np.ndarray) else audio


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
    return gated_lufs(block_powers(audio, sr))


def gated_lufs(powers: np.ndarray) -> float:
    """Integrated loudness in LUFS of gating blocks of mean K-weighted power ``powers``
    (channel-summed, full scale 1.0): the absolute and relative gates, then the mean."""
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


def magnitude(x: np.ndarray) -> np.ndarray:
    """Per-sample largest magnitude over channels of (n, channels) ``x`` (a loop over
    channels: numpy's reduction across a row of two is many times slower)."""
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
    mag = magnitude(x)
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
    return float(block_true_peaks(x, 64, floor=sample_peak).max())


def block_true_peaks(
    audio: np.ndarray | Samples,
    block: int,
    floor: float = 0.0,
    sample_peaks: np.ndarray | None = None,
) -> np.ndarray:
    """The largest value of :func:`peak_envelope` in each run of ``block`` samples, over
    all channels: (ceil(n / block),) for ``audio`` (n,) or (n, channels), or read from
    :class:`Samples` (then ``sample_peaks`` must be given).

    Only blocks whose true peak could reach ``floor`` are interpolated; the others give
    their plain sample peak (then known to stay below ``floor``). ``sample_peaks``, when
    known, are those plain peaks (see :func:`block_sample_peaks`). Working on whole blocks
    keeps every per-sample pass but one magnitude out: far cheaper than the envelope.
    """
    if sample_peaks is None:
        if not isinstance(audio, np.ndarray):
            raise ValueError("the sample peaks of audio read from elsewhere must be given")
        sample_peaks = block_sample_peaks(audio, block)
    x = _samples(audio)
    peaks = sample_peaks.copy()
    reach = float(np.abs(_phases()).sum(axis=1).max())
    hot = peaks >= floor / reach if floor > 0 else np.ones(len(peaks), dtype=bool)
    # The taps of a block's edge gaps reach a few samples into both neighbours.
    hot[1:] |= hot[:-1].copy()
    hot[:-1] |= hot[1:].copy()
    ids = np.flatnonzero(hot)
    peaks[ids] = np.maximum(peaks[ids], interpolated_peaks(x, block, ids))
    return peaks


def block_sample_peaks(audio: np.ndarray, block: int) -> np.ndarray:
    """The largest sample magnitude over all channels in each run of ``block`` samples."""
    x = _channels(audio)
    n = len(x)
    peaks = np.zeros(-(-n // block), dtype=np.float32)
    # A whole number of blocks at a time: the temporaries stay small whatever the song.
    span = block * max(1, PEAK_CHUNK // block)
    for a in range(0, n, span):
        mag = magnitude(x[a : a + span])
        count = -(-len(mag) // block)
        padded = np.zeros(count * block, dtype=np.float32)
        padded[: len(mag)] = mag
        peaks[a // block : a // block + count] = padded.reshape(count, block).max(axis=1)
    return peaks


def interpolated_peaks(audio: np.ndarray | Samples, block: int, ids: np.ndarray) -> np.ndarray:
    """For each block in ``ids`` (indices of runs of ``block`` samples, ascending), the
    largest magnitude of the 4x interpolated signal within it and at its edges, all
    channels. Only the stretches holding those blocks are read."""
    x = _samples(audio)
    n = len(x)
    found = np.zeros(len(ids), dtype=np.float32)
    if not len(ids):
        return found
    half = TAPS_PER_PHASE // 2
    bank = np.ascontiguousarray(_phases().T)  # (tap, phase)
    per_group = max(1, PEAK_CHUNK // (block + 1))
    # The blocks a stretch at a time (their samples and the taps around them), so the
    # copies stay small whatever the song.
    span = max(1, PEAK_CHUNK // block)
    starts = np.searchsorted(ids, np.arange(0, int(ids[-1]) + span + 1, span))
    column = np.zeros(half + span * block + block + half + 1, dtype=np.float32)
    step = column.strides[0]
    for first_block, lo, hi in zip(range(0, int(ids[-1]) + 1, span), starts, starts[1:],
                                   strict=False):  # fmt: skip
        if hi <= lo:
            continue
        origin = first_block * block - half  # the sample column[0] holds
        a, b = max(origin, 0), min(origin + len(column), n)
        # windows[j, g, t]: tap t of gap g - 1 of local block j (gap k lies between
        # samples k and k + 1, and its taps are samples k - half + 1 .. k + half).
        windows = np.lib.stride_tricks.as_strided(
            column, shape=(span, block + 1, TAPS_PER_PHASE),
            strides=(block * step, step, step), writeable=False,
        )  # fmt: skip
        local = ids[lo:hi] - first_block
        stretch = x.read(a, b)
        for c in range(stretch.shape[1]):
            column[:] = 0.0
            column[a - origin : b - origin] = stretch[:, c]
            for g in range(0, len(local), per_group):
                group = local[g : g + per_group]
                values = windows[group].reshape(-1, TAPS_PER_PHASE) @ bank
                # Reduce each block's (gap, phase) values at once: a long axis is fast.
                top = np.abs(values, out=values).reshape(len(group), -1).max(axis=1)
                out = found[lo + g : lo + g + len(group)]
                np.maximum(out, top, out=out)
    return found
    nb = -(-n // block)
    half = TAPS_PER_PHASE // 2
    bank = np.ascontiguousarray(_phases().T)  # (tap, phase)
    per_group = max(1, PEAK_CHUNK // (block + 1))
    column = np.zeros(half + nb * block + block + half + 1, dtype=np.float32)
    for c in range(x.shape[1]):
        # One channel with zeros around it, so every block's taps are in range.
        column[half : half + n] = x[:, c]
        step = column.strides[0]
        # windows[b, j, t]: tap t of gap j - 1 of block b (gap k lies between samples k
        # and k + 1 and its taps are samples k - half + 1 .. k + half).
        windows = np.lib.stride_tricks.as_strided(
            column,
            shape=(nb, block + 1, TAPS_PER_PHASE),
            strides=(block * step, step, step),
            writeable=False,
        )
        for g in range(0, len(ids), per_group):
            group = ids[g : g + per_group]
            values = windows[group].reshape(-1, TAPS_PER_PHASE) @ bank
            # Reduce each block's (gap, phase) values at once: a long axis is fast.
            top = np.abs(values, out=values).reshape(len(group), -1).max(axis=1)
            np.maximum(found[g : g + per_group], top, out=found[g : g + per_group])
    return found


def true_peak_dbtp(audio: np.ndarray, sr: int) -> float:
    """True peak of ``audio`` in dBTP (``-inf`` for silence). ``sr`` is unused by the
    interpolation (it is rate-relative) and kept for symmetry with :func:`loudness_lufs`."""
    del sr
    peak = true_peak(audio)
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


def blocks_from_steps(steps: np.ndarray) -> np.ndarray:
    """Mean power of each 400 ms gating block from the mean powers of its four 100 ms
    steps (blocks overlap by three steps)."""
    s = np.asarray(steps, dtype=np.float64)
    if len(s) < 4:
        return np.zeros(0)
    return np.asarray((s[:-3] + s[1:-2] + s[2:-1] + s[3:]) / 4.0)


class _Bins:
    """Sums of a stream of values over consecutive bins of ``size`` values."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._sums: list[np.ndarray] = []
        self.partial = 0.0  # sum over the bin being filled
        self.partial_n = 0

    def add(self, values: np.ndarray) -> None:
        head = values[: self.size - self.partial_n]
        self.partial += float(head.sum(dtype=np.float64))
        self.partial_n += len(head)
        if self.partial_n < self.size:
            return
        rest = values[len(head) :]
        m = len(rest) // self.size
        whole = rest[: m * self.size].reshape(m, self.size).sum(axis=1, dtype=np.float64)
        self._sums.append(np.concatenate([[self.partial], whole]))
        tail = rest[m * self.size :]
        self.partial = float(tail.sum(dtype=np.float64))
        self.partial_n = len(tail)

    def sums(self, with_partial: bool = False) -> np.ndarray:
        parts = list(self._sums)
        if with_partial and self.partial_n:
            parts.append(np.array([self.partial]))
        return np.concatenate(parts) if parts else np.zeros(0)


class LoudnessMeter:
    """Integrated loudness of a signal arriving in consecutive chunks (BS.1770).

    Parameters
    ----------
    sr: sample rate in Hz.
    channels: channels of the chunks.
    fine: also keep the K-weighted power summed over every ``fine`` samples (from the
        first), which tells how a gain varying within a step changes its loudness.

    :meth:`add` K-weights each chunk (filter state carried across chunks, so the result
    equals one pass over the whole signal) and keeps only the summed power of every
    100 ms step (and of every ``fine`` run): a few numbers per second.
    """

    def __init__(self, sr: int, channels: int = 2, fine: int = 32) -> None:
        self.sr = sr
        self.step = round(STEP_S * sr)
        self.samples = 0
        self._sos = k_weighting(sr).astype(np.float32)
        self._zi = np.zeros((channels, self._sos.shape[0], 2), dtype=np.float32)
        self._steps = _Bins(self.step)
        self._fine = _Bins(fine)

    def add(self, chunk: np.ndarray) -> None:
        """Measure the next ``chunk`` ((n,) or (n, channels), full scale 1.0)."""
        x = _channels(chunk)
        if len(x) > FILTER_CHUNK:
            # A stretch at a time keeps the temporaries small whatever the length.
            for a in range(0, len(x), FILTER_CHUNK):
                self.add(x[a : a + FILTER_CHUNK])
            return
        if not len(x):
            return
        power = np.zeros(len(x), dtype=np.float32)
        for c in range(x.shape[1]):
            part = np.ascontiguousarray(x[:, c], dtype=np.float32)
            weighted, self._zi[c] = signal.sosfilt(self._sos, part, zi=self._zi[c])
            power += np.square(weighted, out=weighted)
        self.samples += len(x)
        self._steps.add(power)
        self._fine.add(power)

    def step_powers(self) -> np.ndarray:
        """Mean K-weighted power (channel sum) of every complete 100 ms step so far."""
        return np.asarray(self._steps.sums() / self.step)

    def fine_powers(self) -> np.ndarray:
        """K-weighted power (channel sum) summed over each run of ``fine`` samples so far
        (the last run may be shorter)."""
        return self._fine.sums(with_partial=True)

    def block_powers(self) -> np.ndarray:
        """The gating blocks' mean powers; a signal shorter than one block is one block."""
        steps = self.step_powers()
        if len(steps) >= 4:
            return blocks_from_steps(steps)
        if not self.samples:
            return np.zeros(0)
        total = float(steps.sum()) * self.step + self._steps.partial
        return np.array([total / self.samples])

    def lufs(self) -> float:
        """Integrated loudness so far, LUFS (``-inf`` for silence or nothing yet)."""
        return gated_lufs(self.block_powers())
