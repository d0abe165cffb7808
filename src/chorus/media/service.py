"""Where a clip's files are, and how its growing audio stream is read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from chorus.exceptions import NotFound

# File names inside a clip's folder, as the engine writes them, by the name in the URL.
FILES: dict[str, tuple[str, str]] = {
    "audio.mp3": ("song.mp3", "audio/mpeg"),
    "image.jpg": ("cover_small.jpg", "image/jpeg"),
    "image_large.jpg": ("cover.jpg", "image/jpeg"),
    "video.mp4": ("video.mp4", "video/mp4"),
    # Made on demand by the /suno/act download routes.
    "audio.wav": ("song.wav", "audio/wav"),
    "audio.mid": ("song.mid", "audio/midi"),
    "vocals.wav": ("stems/vocals.wav", "audio/wav"),
    "drums.wav": ("stems/drums.wav", "audio/wav"),
    "bass.wav": ("stems/bass.wav", "audio/wav"),
    "other.wav": ("stems/other.wav", "audio/wav"),
}
STREAM_FILE = "stream.mp3"
# Put in a clip's folder by the first listener: the render writes STREAM_FILE from then on
# (from the song's start), and not at all for a clip nobody listens to while it is made.
LISTENING = ".listening"
_CHUNK = 64 * 1024
_POLL_S = 0.2


class MediaNotFound(NotFound):
    """No such media file."""

    code = "media_not_exist"


def clip_dir(media_dir: Path, clip_id: str, attempt: int) -> Path:
    """The folder of one rendering attempt of a clip: a resumed clip renders from
    scratch into a fresh folder, so a half-written file of a killed render is never served."""
    return media_dir / clip_id / str(attempt)


def shared_dir(media_dir: Path, task_id: str) -> Path:
    """Scratch space the renders of one task's clips share while the task runs; it lies
    outside every clip's folder, so it is never served."""
    return media_dir / ".shared" / task_id


async def tail(
    path: Path,
    is_done: Callable[[], Awaitable[bool]],
    *,
    max_wait_s: float,
    on_idle: Callable[[], None] | None = None,
) -> AsyncIterator[bytes]:
    """Yield the bytes of ``path`` as they are appended, until ``is_done()`` says no more
    will come (then the rest is sent) or ``max_wait_s`` passes without new bytes.
    ``on_idle`` runs at every poll that found nothing new."""
    position = 0
    idle = 0.0
    while True:
        chunk = _read(path, position)
        if chunk:
            position += len(chunk)
            idle = 0.0
            yield chunk
            continue
        if await is_done():
            while chunk := _read(path, position):
                position += len(chunk)
                yield chunk
            return
        if idle >= max_wait_s:
            return
        if on_idle is not None:
            on_idle()
        await asyncio.sleep(_POLL_S)
        idle += _POLL_S


def _read(path: Path, position: int) -> bytes:
    try:
        with path.open("rb") as handle:
            handle.seek(position)
            return handle.read(_CHUNK)
    except FileNotFoundError:
        return b""
