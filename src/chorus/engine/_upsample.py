"""Doubling the sample rate of a signal, any stretch of it on its own.

Instruments with nothing audible above a quarter of the output rate are synthesized at
half the rate (half the work) and brought up here. The interpolator is a windowed-sinc
half-band filter in polyphase form: every input sample passes through unchanged as an
even output sample, and the odd output samples between them are a short convolution.
It looks :data:`TAPS_PER_SIDE` input samples to either side, so a stretch of output is
made from a slightly longer stretch of input (:func:`input_span`) and stretches made one
after another join exactly.
"""

from __future__ import annotations

import numpy as np

TAPS_PER_SIDE = 16
_KAISER_BETA = 8.0


def _odd_phase_taps() -> np.ndarray:
    """Weights of the inputs around a point halfway between two input samples."""
    offsets = np.arange(-TAPS_PER_SIDE + 1, TAPS_PER_SIDE + 1) - 0.5
    window = np.kaiser(2 * TAPS_PER_SIDE, _KAISER_BETA)
    taps = np.sinc(offsets) * window
    return np.asarray(taps / taps.sum(), dtype=np.float32)


_TAPS = _odd_phase_taps()


def input_span(start: int, n: int) -> tuple[int, int]:
    """The input samples ``(first, end)`` that output samples ``start .. start + n``
    depend on (output sample ``2 m`` is input sample ``m``)."""
    return start // 2 - TAPS_PER_SIDE, (start + n) // 2 + TAPS_PER_SIDE + 1


def double_rate(half: np.ndarray, first: int, start: int, n: int) -> np.ndarray:
    """Output samples ``start .. start + n`` (float32, ``(n, channels)``) at twice the
    rate of ``half``, whose row 0 is input sample ``first``; ``half`` must cover
    :func:`input_span` of the range."""
    low, high = input_span(start, n)
    if first > low or first + len(half) < high:
        raise ValueError("the input does not cover the range")
    m_first, m_last = start // 2, (start + n) // 2
    count = m_last - m_first + 1
    at = m_first - first
    out = np.empty((2 * count, half.shape[1]), dtype=np.float32)
    out[0::2] = half[at : at + count]
    for channel in range(half.shape[1]):
        around = np.ascontiguousarray(
            half[at - TAPS_PER_SIDE + 1 : at + count + TAPS_PER_SIDE, channel]
        )
        out[1::2, channel] = np.convolve(around, _TAPS, mode="valid")
    skip = start - 2 * m_first
    return out[skip : skip + n]
