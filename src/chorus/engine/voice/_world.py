"""WORLD vocoder analysis and resynthesis (pyworld): the part that makes speech sing.

Speech is analysed once into per-frame pitch, spectral envelope and aperiodicity; the
singer then re-times those frames onto the notes and resynthesizes them with the notes'
pitch. Keeping the aperiodicity keeps consonants noisy and vowels clear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyworld
from scipy.ndimage import median_filter

from chorus.engine.voice import _synth

# 10 ms frames: half the analysis cost of 5 ms, and no loss of intelligibility.
FRAME_PERIOD_MS = 10.0
# The voice speaks roughly between these; dio searching wider finds octave errors.
_F0_FLOOR = 65.0
_F0_CEIL = 330.0
# Breath starts this far above the fundamental (times f0).
_BREATH_ABOVE = 1.3
# Power of a silent frame's envelope: low enough to be inaudible, above zero for logs.
SILENT_POWER = 1e-12

# Per-frame voicing hints from the phonemes (see :func:`analyze`).
UNVOICED, EITHER, VOICED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Analysis:
    """WORLD parameters of one utterance at ``fs`` Hz, one row per :data:`FRAME_PERIOD_MS` frame.

    ``f0`` is the spoken pitch in Hz (0 where unvoiced); ``sp`` the smooth power spectral
    envelope and ``ap`` the aperiodicity (0 periodic .. 1 noise), both ``(frames, bins)``
    float32 to keep the per-process cache small.
    """

    fs: int
    f0: np.ndarray
    sp: np.ndarray
    ap: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.f0.size)


def analyze(audio: np.ndarray, fs: int, hints: np.ndarray) -> Analysis:
    """Analyse speech ``audio`` (mono float, ``fs`` Hz).

    ``hints`` gives one voicing hint per frame (``UNVOICED`` for voiceless consonants,
    ``VOICED`` for vowels and sonorants, ``EITHER`` otherwise): the voice's pitch is
    irregular (creaky), so the tracker's own voicing decision is only trusted where the
    phonemes leave it open.
    """
    x = np.ascontiguousarray(audio, dtype=np.float64)
    f0, times = pyworld.dio(
        x, fs, f0_floor=_F0_FLOOR, f0_ceil=_F0_CEIL, frame_period=FRAME_PERIOD_MS
    )
    f0 = pyworld.stonemask(x, f0, times, fs)
    hints = _fit(hints, f0.size)
    voiced = np.where(hints == EITHER, f0 > 0, hints == VOICED)
    contour = _clean_contour(f0)
    # CheapTrick's window follows f0; a plausible pitch everywhere keeps the envelope
    # smooth even where the tracker failed.
    sp = pyworld.cheaptrick(x, contour, times, fs, f0_floor=_F0_FLOOR)
    f0_voiced = np.where(voiced, contour, 0.0)
    ap = _aperiodicity(x, f0_voiced, times, fs, fft_size=2 * (sp.shape[1] - 1))
    return Analysis(
        fs=fs,
        f0=f0_voiced.astype(np.float32),
        sp=sp.astype(np.float32),
        ap=ap.astype(np.float32),
    )


def _aperiodicity(
    x: np.ndarray, f0: np.ndarray, times: np.ndarray, fs: int, fft_size: int
) -> np.ndarray:
    """D4C aperiodicity of every frame on ``fft_size // 2 + 1`` bins, computed on every
    other frame (D4C treats each frame on its own) and averaged in between where both
    neighbours share the frame's voicing; a frame at a voicing change is computed too.
    Aperiodicity changes slowly within a sound: this halves the analysis's largest cost
    and leaves the sung words' recall as it was."""
    voiced = f0 > 0
    count = f0.size
    direct = np.zeros(count, dtype=bool)
    direct[::2] = True
    odd = np.arange(1, count, 2)
    after = np.minimum(odd + 1, count - 1)
    blended = (odd + 1 < count) & (voiced[odd - 1] == voiced[odd]) & (voiced[after] == voiced[odd])
    direct[odd[~blended]] = True
    rows = np.flatnonzero(direct)
    # threshold 0: the phonemes already decided voicing; D4C must not undo it.
    computed = pyworld.d4c(
        x,
        np.ascontiguousarray(f0[rows]),
        np.ascontiguousarray(times[rows]),
        fs,
        threshold=0.0,
        fft_size=fft_size,
    )
    ap = np.empty((count, computed.shape[1]), dtype=np.float64)
    ap[rows] = computed
    filled = odd[blended]
    ap[filled] = 0.5 * (ap[filled - 1] + ap[filled + 1])
    return ap


def _fit(values: np.ndarray, size: int) -> np.ndarray:
    if values.size >= size:
        return values[:size]
    return np.concatenate([values, np.full(size - values.size, EITHER, values.dtype)])


def _clean_contour(f0: np.ndarray) -> np.ndarray:
    """A pitch value for every frame: octave jumps folded back toward the median, gaps
    interpolated in log frequency, then median-smoothed."""
    voiced = f0 > 0
    if not voiced.any():
        return np.full(f0.size, 120.0)
    center = float(np.median(f0[voiced]))
    folded = f0.copy()
    folded[voiced & (folded > 1.6 * center)] /= 2.0
    folded[voiced & (folded < 0.62 * center)] *= 2.0
    index = np.arange(f0.size)
    logs = np.interp(index, index[voiced], np.log(folded[voiced]))
    return np.asarray(np.exp(median_filter(logs, size=5, mode="nearest")), dtype=np.float64)


def warp_formants(envelope: np.ndarray, ratio: float) -> np.ndarray:
    """Move spectral features up by ``ratio`` (1.12 = 12 % higher formants): the output at
    frequency f takes the input's value at f / ratio. ``envelope`` is ``(frames, bins)``."""
    bins = envelope.shape[1]
    source = np.arange(bins) / ratio
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, bins - 1)
    weight = (source - low).astype(envelope.dtype)
    return np.asarray(envelope[:, low] * (1.0 - weight) + envelope[:, high] * weight)


def breathe(ap: np.ndarray, f0: np.ndarray, level: np.ndarray, fs: int) -> np.ndarray:
    """Raise the aperiodicity of each frame to at least ``level`` (one value per frame,
    0..1; 0 leaves the frame as is) above its fundamental: breath between a high voice's
    sparse harmonics outlines the formants again, while the fundamental itself stays
    clean so the pitch stays clear.

    ``ap`` is ``(frames, bins)`` over 0..``fs``/2 Hz, ``f0`` the sung pitch per frame in
    Hz. Returns a new array.
    """
    freqs = np.linspace(0.0, fs / 2, ap.shape[1])
    above = freqs[None, :] > _BREATH_ABOVE * f0[:, None]
    floor = np.where(above, level[:, None], 0.0).astype(ap.dtype)
    return np.asarray(np.maximum(ap, floor))


def lift_fundamental(sp: np.ndarray, f0: np.ndarray, db: np.ndarray, fs: int) -> np.ndarray:
    """Raise each frame's envelope around its fundamental by ``db`` (one value per frame):
    fully up to 1.2 times ``f0``, fading out by 1.6 times (the second harmonic keeps its
    level). ``sp`` is ``(frames, bins)`` over 0..``fs``/2 Hz. Returns a new array."""
    out = sp.copy()
    rows = np.flatnonzero((db > 0) & (f0 > 0))
    if rows.size == 0:
        return out
    freqs = np.linspace(0.0, fs / 2, sp.shape[1])
    # Only the bins below 1.6 f0 change.
    top = min(int(np.ceil(1.6 * float(np.max(f0[rows])) / freqs[1])) + 1, sp.shape[1])
    ratio = freqs[None, :top] / f0[rows, None]
    share = np.clip((1.6 - ratio) / 0.4, 0.0, 1.0)
    gain = 10.0 ** (db[rows, None] * share / 10.0)
    out[rows, :top] *= gain.astype(sp.dtype)
    return out


def synthesize(f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, fs: int) -> np.ndarray:
    """Resynthesize frames (``f0`` Hz per frame, 0 = unvoiced) to float32 audio at ``fs``
    (WORLD's synthesis with its filters made once per frame: :mod:`._synth`)."""
    return _synth.synthesize(f0, sp, ap, fs, FRAME_PERIOD_MS)
