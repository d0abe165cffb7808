"""The music video: the still cover over the song, as an H.264 + AAC MP4.

A still picture needs almost no video bits: one frame per second, x264's still-image
tuning and its fastest preset make the video stream nearly free, so the cost is the AAC
encoding of the audio. ffmpeg comes from imageio-ffmpeg (a static build with libx264).
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path
from typing import Literal

from chorus.engine.encode import EncodeError, atomic_path, ffmpeg_exe

__all__ = ["make_video", "make_video_pcm", "media_duration"]

VIDEO_PX = 720
FRAME_RATE = 1
AUDIO_BITRATE = "128k"
# ffmpeg's fast AAC search; perceptual noise substitution and intensity stereo cost
# search time and matter little at this rate.
AAC_ARGS = ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-aac_coder", "fast", "-aac_pns", "0",
            "-aac_is", "0"]  # fmt: skip

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
    # About one frame a second, tuned so that whole frames end exactly with the audio
    # (a plain 1 frame/s would round the video, hence the file, up to a whole second).
    rate = f"{max(1, math.ceil(duration * FRAME_RATE)) / max(duration, 1e-3):.6f}"
    # The picture is decoded and scaled once; the loop filter repeats the frame (an
    # image input looped by the demuxer would be decoded again for every frame).
    frames = (
        f"scale={VIDEO_PX}:{VIDEO_PX}:flags=bicubic:out_range=tv,format=yuv420p,loop=loop=-1:size=1"
    )
    return ["-framerate", rate, "-vf", frames, "-c:v", "libx264", "-preset", "ultrafast",
            "-tune", "stillimage", "-r", rate]  # fmt: skip


def _run(cmd: list[str], out: Path, tmp: Path, pcm: bytes | None = None) -> None:
    full = [ffmpeg_exe(), "-hide_banner", *(["-nostdin"] if pcm is None else []),
            "-loglevel", "error", "-y", *cmd, "-movflags", "+faststart", "-threads", "1",
            "-filter_threads", "1", "-f", "mp4", str(tmp)]  # fmt: skip
    proc = subprocess.run(full, input=pcm, capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise EncodeError(f"video encoding of {out.name} failed: {' '.join(message)}")


def make_video(
    cover: Path, audio: Path, out: Path, audio_codec: Literal["aac", "copy"] = "aac"
) -> None:
    """Write ``out``: an MP4 showing the ``cover`` image for the whole ``audio`` file.

    H.264 (yuv420p, 720x720, about 1 frame/s) and AAC (``audio_codec="copy"`` keeps an MP3's
    own frames instead, far cheaper and still playable by browsers); the ``moov`` atom
    is at the front so players can start before the download ends. Written atomically.
    When the song's samples are at hand, :func:`make_video_pcm` saves decoding the file.
    """
    duration = media_duration(audio)
    audio_args = AAC_ARGS if audio_codec == "aac" else ["-c:a", "copy"]
    video_args = _frame_args(duration)
    with atomic_path(out) as tmp:
        cmd = [*video_args[:2], "-i", str(cover), "-i", str(audio), "-map", "0:v:0",
               "-map", "1:a:0", *video_args[2:], *audio_args, "-t", f"{duration:.3f}"]  # fmt: skip
        _run(cmd, out, tmp)


def make_video_pcm(cover: Path, pcm: bytes, sr: int, channels: int, out: Path) -> None:
    """Write ``out`` like :func:`make_video`, the audio given as interleaved 16-bit PCM
    (see :func:`chorus.engine.encode.pcm16`) at ``sr`` Hz: nothing is decoded again.

    ffmpeg reads the samples from a pipe; the call waits for it, and other threads keep
    running meanwhile, so a caller can encode the MP3 while the video is made.
    """
    duration = len(pcm) / (2 * channels * sr)
    video_args = _frame_args(duration)
    with atomic_path(out) as tmp:
        cmd = [*video_args[:2], "-i", str(cover), "-f", "s16le", "-ar", str(sr),
               "-ac", str(channels), "-i", "pipe:0", "-map", "0:v:0", "-map", "1:a:0",
               *video_args[2:], *AAC_ARGS, "-t", f"{duration:.3f}"]  # fmt: skip
        _run(cmd, out, tmp, pcm)
