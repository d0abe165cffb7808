"""Media routes: a clip's files, and its audio while it is being made.

URLs carry the clip's random id and need no key, like a CDN link.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from chorus.channels._apply import media_redirect
from chorus.media.service import FILES, LISTENING, STREAM_FILE, MediaNotFound, clip_dir, tail
from chorus.state import AppState, app_state
from chorus.tasks.views import ClipView

router = APIRouter(prefix="/media", tags=["media"])
_WAIT_S = 0.25


async def _clip(state: AppState, clip_id: str) -> ClipView | None:
    task_id = await state.tasks.clip_task(clip_id)
    if task_id is None:
        return None
    view = await state.tasks.view(task_id)
    if view is None:
        return None
    return next((clip for clip in view.clips if clip.id == clip_id), None)


@router.get("/{clip_id}/stream.mp3")
async def stream(clip_id: str, request: Request) -> Response:
    """The clip's audio as it is made: a chunked response that grows until the render
    ends. Once the clip is complete this is the final MP3."""
    state = app_state(request)
    clip = await _clip(state, clip_id)
    if clip is None or clip.status == "error":
        raise MediaNotFound("clip_id: no audio for this clip")
    if clip.status == "complete":
        return await _file(state, clip, "audio.mp3")
    return StreamingResponse(_grow(state, clip_id), media_type="audio/mpeg")


async def _grow(state: AppState, clip_id: str) -> AsyncIterator[bytes]:
    limit = state.settings.task_timeout_s
    waited = 0.0
    clip = await _clip(state, clip_id)
    # Until the render starts, the folder of the coming attempt is not known yet.
    while clip is not None and clip.status in ("submitted", "queued") and waited < limit:
        await asyncio.sleep(_WAIT_S)
        waited += _WAIT_S
        clip = await _clip(state, clip_id)
    if clip is None or clip.status == "error":
        return
    attempt = clip.attempt
    folder = clip_dir(state.settings.media_dir, clip_id, attempt)
    path = folder / STREAM_FILE
    await asyncio.to_thread(_listen, folder)
    if state.listener_arrived is not None:
        state.listener_arrived()

    def listen_again() -> None:
        # The render clears its folder as it starts: say it again until the stream shows.
        if not path.exists():
            _listen(folder)

    async def finished() -> bool:
        now = await _clip(state, clip_id)
        return now is None or now.status in ("complete", "error") or now.attempt != attempt

    async for chunk in tail(path, finished, max_wait_s=limit, on_idle=listen_again):
        yield chunk


def _listen(folder: Path) -> None:
    """Tell the clip's render that someone listens (see ``LISTENING``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LISTENING).touch()


@router.get("/{clip_id}/{name}")
async def media_file(clip_id: str, name: str, request: Request) -> Response:
    """``audio.mp3``, ``image.jpg`` (512 px), ``image_large.jpg`` (1024 px) or
    ``video.mp4`` of a complete clip (Range requests supported)."""
    state = app_state(request)
    if name not in FILES:
        raise MediaNotFound(f"name: no media file {name!r}")
    clip = await _clip(state, clip_id)
    if clip is None or clip.status != "complete":
        raise MediaNotFound("clip_id: no such complete clip")
    return await _file(state, clip, name)


async def _file(state: AppState, clip: ClipView, name: str) -> Response:
    filename, media_type = FILES[name]
    path = clip_dir(state.settings.media_dir, clip.id, clip.attempt) / filename
    if not path.is_file():
        # A relayed clip whose files were not mirrored is served from its upstream.
        upstream = await state.db.run(media_redirect, clip.id, name)
        if upstream is not None:
            return RedirectResponse(upstream, status_code=302)
        raise MediaNotFound(f"name: {name} is missing for this clip")
    return FileResponse(path, media_type=media_type)
