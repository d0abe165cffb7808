"""Copying an upstream clip's files into our media store.

Each file of a complete clip is streamed to a temporary name in the clip's folder and
renamed into place once whole, so a reader never sees half a file and a crash leaves no
file that looks finished. The names are the engine's (``song.mp3``, ``cover_small.jpg``,
``cover.jpg``, ``video.mp4``), so the media routes serve a mirrored clip like a rendered
one. While the upstream still makes a clip that someone here listens to, its growing audio
is copied as it arrives into the clip's ``stream.mp3`` (:func:`relay_stream`), which the
stream route follows as it follows a render's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from chorus.channels.upstream import UpstreamUnavailable
from chorus.exceptions import InvalidRequest
from chorus.media.service import STREAM_FILE
from chorus.webhooks.urlguard import BlockedAddress

_CHUNK = 64 * 1024
# A live stream may pause while the upstream makes the next part of the song: longer than
# a request is allowed to keep silent (the poller bounds the whole copy).
LIVE_READ_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class ClipMedia:
    """An upstream clip's file URLs (any may be empty)."""

    audio_url: str | None
    image_url: str | None
    image_large_url: str | None
    video_url: str | None

    def files(self) -> list[tuple[str, str, bool]]:
        """(our file name, upstream URL, required) for each file the upstream has."""
        wanted = [
            ("song.mp3", self.audio_url, True),
            ("cover_small.jpg", self.image_url or self.image_large_url, False),
            ("cover.jpg", self.image_large_url or self.image_url, False),
            ("video.mp4", self.video_url, False),
        ]
        return [(name, url, required) for name, url, required in wanted if url]


class MediaRefused(UpstreamUnavailable):
    """The upstream named media on a private network: asking again will not help."""


def _refused(url: str, exc: InvalidRequest) -> UpstreamUnavailable:
    """Why the guarded client would not connect to ``url`` (its host only: never the path
    or query, which may carry the upstream's tokens)."""
    host = urlsplit(url).hostname or ""
    if isinstance(exc, BlockedAddress):
        return MediaRefused(
            f"media host {host!r} is on a private network (MIRROR_ALLOW_PRIVATE allows it)"
        )
    return UpstreamUnavailable(f"media host {host!r} does not resolve")


def absolute(url: str, base_url: str) -> str | None:
    """``url`` resolved against the upstream's base; None unless http(s)."""
    full = urljoin(base_url.rstrip("/") + "/", url)
    return full if urlsplit(full).scheme in ("http", "https") else None


async def _copy(
    client: httpx.AsyncClient,
    url: str,
    target: Path,
    *,
    what: str,
    max_bytes: int,
    exclusive: bool = False,
    timeout: httpx.Timeout | None = None,
    on_open: Callable[[], None] | None = None,
) -> int:
    """GET ``url`` into ``target`` (created, or truncated unless ``exclusive``), each piece
    flushed as it arrives; returns the bytes copied. Every failure is an
    :class:`UpstreamUnavailable` naming ``what`` was copied; ``target`` may then hold part
    of it (the callers remove it)."""
    size = 0
    try:
        async with client.stream("GET", url, timeout=timeout or client.timeout) as response:
            if response.status_code != 200:
                raise UpstreamUnavailable(f"{what} answered HTTP {response.status_code}")
            with target.open("xb" if exclusive else "wb") as handle:
                if on_open is not None:
                    on_open()
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise UpstreamUnavailable(f"{what} larger than {max_bytes} bytes")
                    handle.write(chunk)
                    handle.flush()
    except FileExistsError:
        raise UpstreamUnavailable(f"{what} is already being written") from None
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable(f"{what} failed ({type(exc).__name__})") from None
    except InvalidRequest as exc:
        raise _refused(url, exc) from None
    if size == 0:
        raise UpstreamUnavailable(f"{what} was empty")
    return size


async def download(client: httpx.AsyncClient, url: str, target: Path, *, max_bytes: int) -> int:
    """Stream ``url`` into ``target`` atomically; returns its size in bytes."""
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        size = await _copy(client, url, temp, what="media file", max_bytes=max_bytes)
        await asyncio.to_thread(os.replace, temp, target)
        return size
    finally:
        temp.unlink(missing_ok=True)


async def relay_stream(
    client: httpx.AsyncClient,
    url: str,
    target: Path,
    *,
    max_bytes: int,
    on_open: Callable[[], None] | None = None,
) -> int:
    """Append the upstream's growing audio at ``url`` to ``target`` as it arrives, each
    piece flushed at once so a reader following the file hears it; returns the bytes
    copied. ``target`` must not exist yet (one writer per stream); ``on_open`` is called
    once it is created (after the upstream answered 200). On any failure the partial file
    is removed, so the complete song takes its place once the clip is done
    (:func:`mirror_clip`)."""
    opened = False

    def mark_open() -> None:
        nonlocal opened
        opened = True
        if on_open is not None:
            on_open()

    patience = httpx.Timeout(client.timeout.connect, read=LIVE_READ_TIMEOUT_S)
    try:
        return await _copy(client, url, target, what="the clip's stream", max_bytes=max_bytes,
                           exclusive=True, timeout=patience, on_open=mark_open)  # fmt: skip
    except BaseException:
        if opened:
            target.unlink(missing_ok=True)
        raise


async def mirror_clip(
    client: httpx.AsyncClient,
    media: ClipMedia,
    folder: Path,
    base_url: str,
    *,
    max_bytes: int,
) -> dict[str, int]:
    """Copy the clip's files into ``folder``; returns bytes per file name. The audio is
    required (its failure raises); a missing cover or video is left out. Files already
    there (an earlier round) are not fetched again."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for name, url, required in media.files():
        target = folder / name
        if target.is_file():
            sizes[name] = target.stat().st_size
            continue
        full = absolute(url, base_url)
        try:
            if full is None:
                raise UpstreamUnavailable("media URL is not http(s)")
            sizes[name] = await download(client, full, target, max_bytes=max_bytes)
        except UpstreamUnavailable:
            if required:
                raise
    if "song.mp3" not in sizes:
        raise UpstreamUnavailable("the upstream gave no audio for a complete clip")
    # A client that started on the growing stream URL gets the whole song at the end.
    stream = folder / STREAM_FILE
    if not stream.exists():
        with contextlib.suppress(OSError):
            os.link(folder / "song.mp3", stream)
    else:
        await asyncio.to_thread(_complete_stream, stream, folder / "song.mp3")
    return sizes


def _complete_stream(stream: Path, song: Path) -> None:
    """Append the rest of ``song`` to a live copy that stopped short of it (an upstream
    whose stream URL served what it had so far), when the copy is the song's beginning;
    a copy encoded otherwise is left as it is."""
    if stream.samefile(song):
        return
    have = stream.stat().st_size
    with song.open("rb") as whole, stream.open("r+b") as copy:
        if whole.seek(0, os.SEEK_END) <= have:
            return
        whole.seek(0)
        for offset in range(0, have, _CHUNK):
            size = min(_CHUNK, have - offset)
            if whole.read(size) != copy.read(size):
                return
        shutil.copyfileobj(whole, copy, _CHUNK)
