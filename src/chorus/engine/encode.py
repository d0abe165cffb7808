"""Audio files: MP3 (whole or growing while the song is made), WAV, and decoding.

The growing ``stream.mp3`` is written frame by frame with LAME: each chunk's frames are
appended and flushed to disk at once, so a reader following the file can play what is
there. Whole files are written under a temporary name and renamed into place, so nobody
ever sees half a file under the final name.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import wave
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

import imageio_ffmpeg
import lameenc
import numpy as np

from chorus.exceptions import EngineError

__all__ = [
    "Mp3StreamWriter",
    "atomic_path",
    "decode_audio",
    "encode_mp3",
    "pcm16",
    "write_mp3",
    "write_wav",
    "write_wav_chunks",
]

# LAME's algorithm quality, 2 (best, slowest) .. 7 (fastest). At 192 kbit/s constant
# rate the bits are ample: 7 (psychoacoustic bit allocation without the iterative noise
# shaping) takes about half the time of the default 5, for the stream and the song alike.
LAME_QUALITY = 7


class EncodeError(EngineError):
    """Audio could not be encoded or decoded."""


def pcm16(audio: np.ndarray, channels: int) -> bytes:
    """Interleaved little-endian 16-bit PCM of float audio (full scale 1.0, clipped)."""
    a = np.asarray(audio, dtype=np.float32)
    if a.ndim == 1:
        a = a[:, None]
    if a.shape[1] != channels:
        a = np.repeat(a[:, :1], channels, axis=1) if a.shape[1] == 1 else a[:, :channels]
    pcm = np.empty(a.shape, dtype="<i2")
    # A stretch at a time: the float temporaries stay small whatever the song's length.
    for i in range(0, len(a), 1 << 16):
        scaled = a[i : i + (1 << 16)] * np.float32(32767.0)
        np.rint(scaled, out=scaled)
        np.clip(scaled, -32768.0, 32767.0, out=scaled)
        pcm[i : i + (1 << 16)] = scaled
    return pcm.tobytes()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        tmp_path.replace(path)
    finally:
        tmp_path.unlink(missing_ok=True)


def _encoder(sr: int, channels: int, bitrate_kbps: int, quality: int) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(int(bitrate_kbps))
    encoder.set_in_sample_rate(int(sr))
    encoder.set_channels(int(channels))
    encoder.set_quality(int(quality))
    return encoder


class Mp3StreamWriter:
    """Append audio to an MP3 file as it is made.

    Parameters
    ----------
    path: the file to create (truncated if it exists).
    sr: sample rate in Hz of the chunks written.
    bitrate_kbps: constant bit rate of the MP3.
    channels: 1 or 2.
    quality: LAME's algorithm quality, 2 (best) .. 7 (fastest).

    Each :meth:`write` appends the frames LAME has completed and flushes them to the
    file (readers see them at once); :meth:`close` writes the last frames. Usable as a
    context manager.
    """

    def __init__(
        self,
        path: Path,
        sr: int = 44100,
        bitrate_kbps: int = 192,
        channels: int = 2,
        quality: int = LAME_QUALITY,
    ) -> None:
        self.path = path
        self.sr = sr
        self.channels = channels
        self.samples_written = 0
        self._encoder = _encoder(sr, channels, bitrate_kbps, quality)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("wb")

    @property
    def seconds_written(self) -> float:
        """Seconds of audio handed to the encoder so far."""
        return self.samples_written / self.sr

    def write(self, chunk: np.ndarray) -> None:
        """Encode ``chunk`` ((n,) or (n, channels) float, full scale 1.0) and append it."""
        if self._file.closed:
            raise EncodeError("the MP3 stream is already closed")
        self.write_pcm(pcm16(chunk, self.channels))

    def write_pcm(self, pcm: bytes) -> None:
        """Encode interleaved 16-bit ``pcm`` (see :func:`pcm16`) and append it."""
        if self._file.closed:
            raise EncodeError("the MP3 stream is already closed")
        data = self._encoder.encode(pcm)
        self.samples_written += len(pcm) // (2 * self.channels)
        self._append(bytes(data))

    def close(self) -> None:
        """Write the encoder's last frames and close the file (idempotent)."""
        if self._file.closed:
            return
        try:
            if self.samples_written:  # LAME refuses to flush before any input
                self._append(bytes(self._encoder.flush()))
        finally:
            self._file.close()

    def _append(self, data: bytes) -> None:
        if data:
            # A flush is enough for readers on this machine; an fsync per chunk would
            # only add disk waits to the render.
            self._file.write(data)
            self._file.flush()

    def __enter__(self) -> Mp3StreamWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def encode_mp3(
    pcm: bytes, sr: int, channels: int, bitrate_kbps: int = 192, quality: int = LAME_QUALITY
) -> bytes:
    """A whole CBR MP3 of interleaved 16-bit ``pcm`` (see :func:`pcm16`) at ``sr`` Hz."""
    encoder = _encoder(sr, channels, bitrate_kbps, quality)
    data = bytes(encoder.encode(pcm))
    if pcm:
        data += bytes(encoder.flush())
    return data


def write_mp3(path: Path, audio: np.ndarray, sr: int, bitrate_kbps: int = 192) -> None:
    """Write ``audio`` ((n,) or (n, channels) float) to ``path`` as a CBR MP3, atomically."""
    channels = 1 if np.ndim(audio) == 1 else int(np.shape(audio)[1])
    data = encode_mp3(pcm16(audio, channels), sr, channels, bitrate_kbps)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_wav(path: Path, audio: np.ndarray, sr: int) -> None:
    """Write ``audio`` ((n,) or (n, channels) float) to ``path`` as 16-bit PCM WAV,
    atomically."""
    channels = 1 if np.ndim(audio) == 1 else int(np.shape(audio)[1])
    write_wav_chunks(path, [audio], sr, channels)


def write_wav_chunks(path: Path, chunks: Iterable[np.ndarray], sr: int, channels: int) -> None:
    """Write consecutive float ``chunks`` ((n, channels) or (n,)) to ``path`` as one
    16-bit PCM WAV, atomically; only one chunk is in memory at a time."""
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(int(sr))
        for chunk in chunks:
            wav.writeframes(pcm16(chunk, channels))


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped with imageio-ffmpeg."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


_STREAM = re.compile(r"Audio: [^\n]*?(\d+) Hz, (mono|stereo|(\d+) channels)")


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """Decode any audio file ffmpeg reads: float32 (n, channels) and the sample rate."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-f", "f32le", "-"],
        capture_output=True,
        check=False,
    )
    found = _STREAM.search(proc.stderr.decode("utf-8", "replace"))
    if proc.returncode != 0 or found is None:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise EncodeError(f"cannot decode {path.name}: {' '.join(tail)}")
    sr = int(found.group(1))
    layout = found.group(2)
    channels = 1 if layout == "mono" else 2 if layout == "stereo" else int(found.group(3))
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    return samples[: len(samples) // channels * channels].reshape(-1, channels), sr
