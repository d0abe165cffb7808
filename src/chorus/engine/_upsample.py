"""Doubling the sample rate of a signal that arrives in chunks.

Instruments with nothing audible above a quarter of the output rate are synthesized at
half the rate (half the work) and brought up here. The interpolator is a windowed-sinc
half-band filter in polyphase form: every input sample passes through unchanged as an
even output sample, and the odd output samples between them are a short convolution.
It keeps the last inputs between calls, so chunks join without a seam; the price is a
fixed delay of :data:`TAPS_PER_SIDE` input samples (0.7 ms at 22.05 kHz).
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


class Upsampler:
    """Stream-wise 2x interpolation of ``(n, channels)`` float32 chunks.

    :meth:`process` returns exactly twice as many frames as it is given, delayed by
    :data:`TAPS_PER_SIDE` input frames (silence comes out first); :meth:`reset` forgets
    the past, as after a jump in the signal.
    """

    def __init__(self, channels: int) -> None:
        self.channels = channels
        # Channel-major, so each channel's convolution runs over contiguous memory.
        self._history = np.zeros((channels, 2 * TAPS_PER_SIDE - 1), dtype=np.float32)

    def reset(self) -> None:
        self._history[:] = 0.0

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """The next ``2 * len(chunk)`` output frames."""
        m = len(chunk)
        buffer = np.concatenate([self._history, np.asarray(chunk, dtype=np.float32).T], axis=1)
        out = np.empty((2 * m, self.channels), dtype=np.float32)
        if m:
            centre = TAPS_PER_SIDE - 1
            out[0::2] = buffer[:, centre : centre + m].T
            for channel in range(self.channels):
                out[1::2, channel] = np.convolve(buffer[channel], _TAPS, mode="valid")
        self._history = buffer[:, buffer.shape[1] - self._history.shape[1] :].copy()
        return out
