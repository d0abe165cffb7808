"""The vocal's room: a short synthetic reverb, convolved section by section.

The impulse response is decaying noise (different for left and right, so the room is wide
while the dry voice stays centred), darkened as it decays like a real room and starting
after a short pre-delay. The room is dark, so it is computed at half the sample rate:
convolution by FFT costs half as much (and the response's transform is kept, so a section
costs one FFT and two inverse ones). The tail that spills
past one section is carried into the next, so a word sung at the end of a verse still
fades out naturally into the chorus instead of stopping with a click.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft
from scipy import signal

REVERB_S = 0.9  # impulse response length, seconds
RT60_S = 1.1  # time for the tail to fall by 60 dB
PREDELAY_S = 0.022
WET = 0.16  # reverb level relative to the dry voice (unit-energy response)


@functools.lru_cache(maxsize=4)
def room_response(sr: int) -> np.ndarray:
    """The stereo impulse response (m, 2) at ``sr`` Hz, unit energy per channel.

    The room computes at half rate, so it is asked for ``sr / 2``."""
    rng = np.random.default_rng(20240611)
    n = round(REVERB_S * sr)
    predelay = round(PREDELAY_S * sr)
    t = np.arange(n - predelay) / sr
    noise = rng.standard_normal((n - predelay, 2))
    # Smooth the noise a little (one-pole low pass), more of it late in the tail: air and
    # walls absorb highs faster than lows.
    early = signal.lfilter([0.6], [1.0, -0.4], noise, axis=0)
    late = signal.lfilter([0.25], [1.0, -0.75], noise, axis=0)
    mix = np.clip(t / (REVERB_S * 0.6), 0.0, 1.0)[:, None]
    tail = (early * (1.0 - mix) + late * mix) * np.exp(-6.91 * t / RT60_S)[:, None]
    # Fade the last 50 ms so truncating the response does not click.
    fade = min(len(tail), round(0.05 * sr))
    tail[-fade:] *= np.linspace(1.0, 0.0, fade)[:, None]
    ir = np.zeros((n, 2))
    ir[predelay:] = tail
    ir /= np.sqrt((ir**2).sum(axis=0, keepdims=True))
    return ir.astype(np.float32)


@functools.lru_cache(maxsize=16)
def _response_spectrum(sr: int, n: int) -> np.ndarray:
    """The room's stereo response (see :func:`room_response`) transformed for FFTs of
    ``n`` points: (2, n // 2 + 1) complex64, one row per channel."""
    return np.asarray(scipy.fft.rfft(room_response(sr), n=n, axis=0).T, dtype=np.complex64)


def _convolve(dry: np.ndarray, sr: int) -> np.ndarray:
    """The full convolution (len + response - 1, 2) of mono ``dry`` with the room at
    ``sr``: one FFT of the block and two inverse ones (the response's are kept)."""
    size = len(dry) + len(room_response(sr)) - 1
    n = scipy.fft.next_fast_len(size, real=True)
    spectrum = scipy.fft.rfft(dry, n=n)
    wet = scipy.fft.irfft(spectrum[None, :] * _response_spectrum(sr, n), n=n, axis=1)
    return np.asarray(wet[:, :size].T, dtype=np.float32)


class Room:
    """A stateful reverb: :meth:`process` consecutive mono blocks, get stereo wet blocks."""

    def __init__(self, sr: int) -> None:
        self.down = 2 if sr >= 32000 else 1
        self.rate = sr // self.down
        self.tail = np.zeros((0, 2), dtype=np.float32)

    def process(self, dry: np.ndarray | None, n: int) -> np.ndarray:
        """The wet signal (n, 2) for the next ``n`` samples of ``dry`` (mono, or None
        for silence: only the carried tail then sounds)."""
        out = np.zeros((n, 2), dtype=np.float32)
        if dry is not None and np.any(dry):
            low = np.asarray(dry, dtype=np.float32)
            if self.down == 2:
                # Pair averages down, linear interpolation up: crude filters, but the
                # room is dark (nothing above a few kHz) so nothing audible aliases.
                low = np.pad(low, (0, len(low) % 2))
                low = 0.5 * (low[0::2] + low[1::2])
            wet = _convolve(low, self.rate) * np.float32(WET)
            if self.down == 2:
                up = np.empty((2 * len(wet), 2), dtype=np.float32)
                up[0::2] = wet
                up[1:-1:2] = 0.5 * (wet[:-1] + wet[1:])
                up[-1] = 0.5 * wet[-1]
                wet = up
            carry = wet.astype(np.float32, copy=False)
        else:
            carry = np.zeros((0, 2), dtype=np.float32)
        total = max(len(carry), len(self.tail), n)
        acc = np.zeros((total, 2), dtype=np.float32)
        acc[: len(carry)] += carry
        acc[: len(self.tail)] += self.tail
        out[:] = acc[:n]
        self.tail = acc[n:]
        if self.tail.size and not np.any(np.abs(self.tail) > 1e-7):
            self.tail = np.zeros((0, 2), dtype=np.float32)
        return out
