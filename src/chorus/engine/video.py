"""The music video: the still cover over the song, as an H.264 + AAC MP4.

A still picture needs almost no video bits: one frame every four seconds, x264's still-image
tuning and its fastest preset make the video stream nearly free, so the cost is the AAC
encoding of the audio. ffmpeg comes from imageio-ffmpeg (a static build with libx264 and
LAME); the same ffmpeg run can also write the song's final MP3 from the same samples.
"""

from __future__ import annotations

import contextlib
import math
import queue
import re
import subprocess
import threading
from pathlib import Path
from types import TracebackType

from chorus.engine.encode import LAME_QUALITY, EncodeError, atomic_path, ffmpeg_exe

__all__ = ["VideoWriter", "media_duration"]

VIDEO_PX = 720
FRAME_RATE = 0.25  # frames per second: a still needs few, and each costs x264 time
AUDIO_BITRATE = "128k"
# ffmpeg's fast AAC search; perceptual noise substitution, intensity stereo and temporal
# noise shaping cost search time (TNS alone a fifth of the encoder's) and matter little
# at this rate; mid/side coding stays, it is what keeps a centred mix clean.
AAC_ARGS = ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-aac_coder", "fast", "-aac_pns", "0",
            "-aac_is", "0", "-aac_tns", "0"]  # fmt: skip

# The song's MP3 when ffmpeg writes it beside the video: LAME at the quality and rate of
# the live stream (see chorus.engine.encode), in plain stereo (at this rate the bits are
# ample, and joint stereo's second psychoacoustic pass costs a fifth of the encoder), with
# LAME's Info frame (length and encoder delay, for gapless players) and no ID3 tag.
MP3_BITRATE = "192k"
MP3_ARGS = ["-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-compression_level",
            str(LAME_QUALITY), "-joint_stereo", "0", "-id3v2_version", "0", "-write_xing", "1",
            "-f", "mp3"]  # fmt: skip

_OUTPUT_ARGS = ["-movflags", "+faststart", "-threads", "1", "-filter_threads", "1", "-f", "mp4"]
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")


def media_duration(path: Path) -> float:
    """Duration in seconds of a media file, as ffmpeg reads it from the container."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        check=False,
    )
    found = _DURATION.search(proc.stderr.decode("utf-8", "replace"))
    if found is None:
        raise EncodeError(f"cannot read the duration of {path.name}")
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _frame_args(duration: float) -> list[str]:
    """ffmpeg arguments of the still picture's video stream for ``duration`` seconds."""
    # About FRAME_RATE, tuned so that whole frames end exactly with the audio (a plain
    # rate would round the video, hence the file, up to a whole frame).
    rate = f"{max(1, math.ceil(duration * FRAME_RATE)) / max(duration, 1e-3):.6f}"
    # The picture is decoded and scaled once; the loop filter repeats the frame (an
    # image input looped by the demuxer would be decoded again for every frame).
    frames = (
        f"scale={VIDEO_PX}:{VIDEO_PX}:flags=bicubic:out_range=tv,format=yuv420p,loop=loop=-1:size=1"
    )
    return ["-framerate", rate, "-vf", frames, "-c:v", "libx264", "-preset", "ultrafast",
            "-tune", "stillimage", "-r", rate]  # fmt: skip


class VideoWriter:
    """Make the MP4 of ``cover`` (and, if asked, the MP3) while the song's samples are
    handed over in pieces.

    Parameters
    ----------
    cover: the still picture.
    out: the MP4 to write (atomically, when :meth:`close` succeeds).
    sr: sample rate of the PCM in Hz; channels: its channel count.
    duration: the song's length in seconds (the video's frames are planned from it).
    mp3: also write the song as an MP3 here (:data:`MP3_ARGS`, atomically too).

    ffmpeg runs at once and reads the interleaved 16-bit PCM given to :meth:`write`
    (see :func:`chorus.engine.encode.pcm16`) through a pipe fed by a thread of its own,
    so it encodes on another core while the caller goes on. :meth:`close` waits for the
    files; as a context manager an error aborts them.
    """

    def __init__(
        self,
        cover: Path,
        out: Path,
        sr: int,
        channels: int,
        duration: float,
        *,
        mp3: Path | None = None,
    ) -> None:
        self.out = out
        self._files = contextlib.ExitStack()
        tmp = self._files.enter_context(atomic_path(out))
        video_args = _frame_args(duration)
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               *video_args[:2], "-i", str(cover), "-f", "s16le", "-ar", str(sr),
               "-ac", str(channels), "-i", "pipe:0", "-map", "0:v:0", "-map", "1:a:0",
               *video_args[2:], *AAC_ARGS, "-t", f"{duration:.3f}", *_OUTPUT_ARGS,
               str(tmp)]  # fmt: skip
        if mp3 is not None:
            song = self._files.enter_context(atomic_path(mp3))
            cmd += ["-map", "1:a:0", *MP3_ARGS, str(song)]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._broken = False
        self._feeder = threading.Thread(target=self._feed, daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue  # ffmpeg is gone; close() reports why
            try:
                stdin.write(data)
            except OSError:
                self._broken = True
        with contextlib.suppress(OSError):
            stdin.close()

    def write(self, pcm: bytes) -> None:
        """Hand over the next interleaved 16-bit PCM samples."""
        self._queue.put(bytes(pcm))

    def close(self) -> None:
        """Wait for ffmpeg to finish the file and put it in place."""
        self._queue.put(None)
        self._feeder.join()
        assert self._proc.stderr is not None
        with self._proc.stderr:
            errors = self._proc.stderr.read()
        if self._proc.wait() != 0:
            message = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
            self._files.__exit__(EncodeError, None, None)
            raise EncodeError(f"video encoding of {self.out.name} failed: {' '.join(message)}")
        self._files.close()

    def abort(self) -> None:
        """Stop ffmpeg and leave no file behind."""
        self._proc.kill()
        self._queue.put(None)
        self._feeder.join()
        self._proc.wait()
        if self._proc.stderr is not None:
            self._proc.stderr.close()
        self._files.__exit__(EncodeError, None, None)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
