"""Clip act routes: word timings (``GET /suno/act/timing/{clip_id}``), downloads
(``/suno/act/wav|midi|stems/{clip_id}``) and joining an extension chain
(``POST /suno/submit/concat``).

Only the key that made a clip can use it; for any other key the clip does not exist (the
same answer as fetching another key's task). Download routes answer media URLs (no key
needed, like every media URL), making the file first when it is not kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from chorus.acts import downloads
from chorus.acts.concat import submit_concat
from chorus.acts.schemas import (
    ConcatAnswer,
    ErrorAnswer,
    MidiAnswer,
    StemsAnswer,
    SubmitConcat,
    TimingAnswer,
    WavAnswer,
)
from chorus.acts.service import clip_timing
from chorus.exceptions import InvalidRequest
from chorus.keys.dependencies import CurrentKey, FetchKey, SubmitKey
from chorus.media.service import clip_dir
from chorus.state import AppState, app_state
from chorus.tasks import admission
from chorus.tasks.models import Task
from chorus.tasks.service import TaskNotFound

router = APIRouter(prefix="/suno/act", tags=["suno"])
# Routes beside the Suno submit routes: joining clips, and uploads (not supported).
submit_router = APIRouter(prefix="/suno", tags=["suno"])

_CLIP_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorAnswer, "description": "No such clip for this key"},
    409: {"model": ErrorAnswer, "description": "The clip is not complete"},
}


@router.get(
    "/timing/{clip_id}",
    response_model=TimingAnswer,
    responses={404: _CLIP_ERRORS[404]},
    summary="Word-timed lyrics and waveform",
)
async def timing(clip_id: str, request: Request, key: CurrentKey) -> Response:
    """The clip's sung words with their start and end seconds, and its waveform (200 peak
    levels 0..1) once the clip is complete."""
    state = app_state(request)
    task_id = await state.tasks.clip_task(clip_id)
    view = await state.tasks.view(task_id) if task_id is not None else None
    clip = None
    if view is not None and view.key_id == key.id:
        clip = next((c for c in view.clips if c.id == clip_id), None)
    if clip is None:
        raise TaskNotFound("clip_id: no such clip")
    folder = clip_dir(state.settings.media_dir, clip.id, clip.attempt)
    complete = clip.status == "complete"
    data = await asyncio.to_thread(clip_timing, folder, complete)
    return JSONResponse({"code": "success", "message": "", "data": data})


def _media(state: AppState, clip_id: str, name: str) -> str:
    return f"{state.settings.effective_public_base_url}/media/{clip_id}/{name}"


def _success(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"code": "success", "message": "", "data": data})


@router.get(
    "/wav/{clip_id}", response_model=WavAnswer, responses=_CLIP_ERRORS, summary="WAV download"
)
async def wav(clip_id: str, request: Request, key: FetchKey) -> Response:
    """The URL of the complete clip as 16-bit PCM WAV (made from its final audio on the
    first request, then kept)."""
    state = app_state(request)
    _view, clip = await downloads.owned_clip(state, key, clip_id)
    folder = downloads.complete_folder(state, clip)
    await asyncio.to_thread(downloads.make_wav, folder)
    return _success({"clip_id": clip.id, "wav_url": _media(state, clip.id, "audio.wav")})


@router.get(
    "/midi/{clip_id}", response_model=MidiAnswer, responses=_CLIP_ERRORS, summary="MIDI download"
)
async def midi(clip_id: str, request: Request, key: FetchKey) -> Response:
    """The URL of the complete clip's MIDI file: every part of the arrangement and the
    sung melody, as the engine played them."""
    state = app_state(request)
    _view, clip = await downloads.owned_clip(state, key, clip_id)
    folder = downloads.complete_folder(state, clip)
    if not (folder / "song.mid").is_file():
        raise downloads.NoMidi("clip_id: the clip has no MIDI (it was not made by the engine)")
    return _success({"clip_id": clip.id, "midi_url": _media(state, clip.id, "audio.mid")})


@router.get(
    "/stems/{clip_id}",
    response_model=StemsAnswer,
    responses={**_CLIP_ERRORS, 503: {"model": ErrorAnswer, "description": "No renderer"}},
    summary="Stems download",
)
async def stems(clip_id: str, request: Request, key: SubmitKey) -> Response:
    """The URLs of the complete clip's vocals, drums, bass and other stems (WAV). A clip
    rendered without stems is rendered again with the same request and seed, so the
    answer may take about as long as the clip took to make; later requests answer at once."""
    state = app_state(request)
    view, clip = await downloads.owned_clip(state, key, clip_id)
    await downloads.stems(state, view, clip)
    links = {f"{name}_url": _media(state, clip.id, f"{name}.wav") for name in downloads.STEMS}
    return _success({"clip_id": clip.id, **links})


@submit_router.post(
    "/submit/concat",
    response_model=ConcatAnswer,
    responses={400: {"model": ErrorAnswer}, 409: _CLIP_ERRORS[409]},
    summary="Join an extended clip into the whole song",
)
async def concat(body: SubmitConcat, request: Request, key: SubmitKey) -> Response:
    """Start a MUSIC task (one clip) joining ``clip_id`` with the clips it extends, each
    cut where the next took over, into one full-length clip. Answers the task id."""
    state = app_state(request)

    def submit(session: Session) -> Task:
        task = submit_concat(session, key, body.clip_id, state.settings, state.enqueue)
        admission.admit(session, key, task, state.settings, "concat")
        return task

    task = await state.db.run(submit)
    return JSONResponse({"code": "success", "message": "", "data": task.id})


_NO_UPLOADS = (
    "extending an uploaded audio file is not supported; extend a clip made here "
    "(POST /suno/submit/music with continue_clip_id and continue_at)"
)


@submit_router.post(
    "/uploads/audio",
    responses={400: {"model": ErrorAnswer}},
    summary="Upload audio (not supported)",
)
async def upload_audio(_key: CurrentKey) -> Response:
    """Not supported: always 400 naming ``file``."""
    raise InvalidRequest(f"file: {_NO_UPLOADS}", field="file")


@submit_router.post(
    "/uploads/audio-url",
    responses={400: {"model": ErrorAnswer}},
    summary="Upload audio by URL (not supported)",
)
async def upload_audio_url(_key: CurrentKey) -> Response:
    """Not supported: always 400 naming ``url``."""
    raise InvalidRequest(f"url: {_NO_UPLOADS}", field="url")
