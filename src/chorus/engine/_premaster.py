"""A song's premaster, kept on disk while the song is made and mastered.

The premaster of a long song is large (a 480 s song is 169 MB of float32 stereo), and it
is only ever used a stretch at a time: each section is appended as it is mixed, the
mastering plan reads only the stretches that could peak, and the encoders read it once,
start to end. So it lives in a raw float32 file in a hidden work folder beside the clip's
files, and memory stays the same whatever the song's length. What mastering needs of the
whole song is gathered as the sections arrive: each block's sample peak and the sum of
squares.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from chorus.engine._loudness import magnitude

__all__ = ["Premaster"]


class Premaster:
    """The premaster at ``path`` (created, truncated; removed by :meth:`close`, e.g. through
    ``contextlib.closing``), with ``channels`` channels, and the largest sample magnitude
    of every ``block`` samples.

    It is a :class:`chorus.engine._loudness.Samples`: ``len`` and :meth:`read`.
    """

    def __init__(self, path: Path, channels: int, block: int) -> None:
        self.path = path
        self.channels = channels
        self.block = block
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self._frames = 0
        self._peaks: list[np.ndarray] = []
        self._partial = 0.0  # peak of the block being filled
        self._square_sum = 0.0
        self._frame_bytes = 4 * channels

    def __len__(self) -> int:
        return self._frames

    def append(self, chunk: np.ndarray) -> None:
        """Add the next ``chunk`` ((n, channels) float32)."""
        x = np.ascontiguousarray(chunk, dtype=np.float32).reshape(-1, self.channels)
        if not len(x):
            return
        data = x.tobytes()
        written = os.pwrite(self._fd, data, self._frames * self._frame_bytes)
        if written != len(data):
            raise OSError(f"short write to {self.path.name}")
        flat = x.reshape(-1)
        self._square_sum += float(np.dot(flat, flat))
        largest = magnitude(x)
        # The first samples finish the block the last chunk left open.
        head = (-self._frames) % self.block
        if head:
            self._partial = max(self._partial, float(largest[:head].max(initial=0.0)))
            if head <= len(largest):
                self._peaks.append(np.array([self._partial], dtype=np.float32))
                self._partial = 0.0
            largest = largest[head:]
        whole = len(largest) // self.block
        if whole:
            blocks = largest[: whole * self.block].reshape(whole, self.block).max(axis=1)
            self._peaks.append(blocks.astype(np.float32))
        rest = largest[whole * self.block :]
        if len(rest):
            self._partial = float(rest.max())
        self._frames += len(x)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``start .. stop - 1`` (clipped to what is there) as a new (n, channels)
        float32 array."""
        start, stop = max(start, 0), min(stop, self._frames)
        if stop <= start:
            return np.zeros((0, self.channels), dtype=np.float32)
        out = np.empty((stop - start, self.channels), dtype=np.float32)
        view = out.data.cast("B")
        if os.preadv(self._fd, [view], start * self._frame_bytes) != len(view):
            raise OSError(f"short read from {self.path.name}")
        return out

    def block_peaks(self) -> np.ndarray:
        """The largest sample magnitude (all channels) of each ``block`` samples so far,
        the last block possibly shorter: (ceil(len / block),) float32."""
        parts = list(self._peaks)
        if self._frames % self.block:
            parts.append(np.array([self._partial], dtype=np.float32))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def rms(self) -> float:
        """Root mean square over all samples and channels so far."""
        count = self._frames * self.channels
        return float(np.sqrt(self._square_sum / count)) if count else 0.0

    def close(self) -> None:
        """Close and delete the file (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self.path.unlink(missing_ok=True)
