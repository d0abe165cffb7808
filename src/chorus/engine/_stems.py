"""A song's stems (vocals, drums, bass, other), kept on disk while the song is made.

Each section's stems are appended to a raw float32 file of their own in a hidden folder
beside the clip's files, so memory stays the same whatever the song's length; once the
song is mastered, each is read back a stretch at a time, scaled and written as a WAV.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

from chorus.engine.encode import write_wav_chunks

STEMS = ("vocals", "drums", "bass", "other")
# A stem's loudest sample after scaling stays under this (each stem is guarded alone).
PEAK_LIMIT = 0.99
_READ_FRAMES = 1 << 17


class StemFiles:
    """The stems of one song as it is made, under ``work`` (created, and removed by
    :meth:`finish` or :meth:`discard`)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, BinaryIO] = {name: (work / f"{name}.f32").open("wb")
                                            for name in STEMS}  # fmt: skip
        self._peaks = dict.fromkeys(STEMS, 0.0)

    def add(self, band: Mapping[str, np.ndarray], vocals: np.ndarray | None, length: int) -> None:
        """The next section: band stems (n, 2) by name (missing ones are silent) and the
        mono vocals (n,) or None, ``length`` frames each."""
        silence = np.zeros((length, 2), dtype=np.float32)
        for name in STEMS:
            if name == "vocals":
                audio = silence if vocals is None else np.repeat(
                    np.asarray(vocals[:length], dtype=np.float32)[:, None], 2, axis=1)  # fmt: skip
            else:
                audio = np.asarray(band.get(name, silence), dtype=np.float32)
            if audio.size:
                self._peaks[name] = max(self._peaks[name], float(np.max(np.abs(audio))))
            self._files[name].write(np.ascontiguousarray(audio).tobytes())

    def finish(self, folder: Path, scale: float, sr: int) -> None:
        """Write ``folder/<stem>.wav`` for every stem, scaled by ``scale`` (the master's
        overall gain, so stems sum to about the song's level) and each kept under
        :data:`PEAK_LIMIT`; then remove the work folder."""
        for handle in self._files.values():
            handle.close()
        folder.mkdir(parents=True, exist_ok=True)
        for name in STEMS:
            gain = scale
            if self._peaks[name] * gain > PEAK_LIMIT:
                gain = PEAK_LIMIT / self._peaks[name]
            raw = self.work / f"{name}.f32"
            write_wav_chunks(folder / f"{name}.wav", _scaled(raw, np.float32(gain)), sr, 2)
            raw.unlink()
        self.discard()

    def discard(self) -> None:
        """Forget the stems (a failed render)."""
        for handle in self._files.values():
            handle.close()
        shutil.rmtree(self.work, ignore_errors=True)


def _scaled(raw: Path, gain: np.float32) -> Iterator[np.ndarray]:
    """A raw stereo float32 file a stretch at a time, times ``gain``."""
    with raw.open("rb") as handle:
        while chunk := handle.read(_READ_FRAMES * 8):
            yield np.frombuffer(chunk, dtype=np.float32).reshape(-1, 2) * gain


@contextlib.contextmanager
def stem_files(work: Path, wanted: bool) -> Iterator[StemFiles | None]:
    """A :class:`StemFiles` under ``work`` when ``wanted`` (None otherwise), discarded
    if the block fails before :meth:`StemFiles.finish`."""
    if not wanted:
        yield None
        return
    stems = StemFiles(work)
    try:
        yield stems
    except BaseException:
        stems.discard()
        raise
