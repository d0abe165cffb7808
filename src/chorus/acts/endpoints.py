"""Clip act routes: ``GET /suno/act/timing/{clip_id}``.

Only the key that made a clip can read its timings; for any other key the clip does not
exist (the same answer as fetching another key's task).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from chorus.acts.schemas import TimingAnswer
from chorus.acts.service import clip_timing
from chorus.keys.dependencies import CurrentKey
from chorus.media.service import clip_dir
from chorus.state import app_state
from chorus.tasks.service import TaskNotFound

router = APIRouter(prefix="/suno/act", tags=["suno"])


@router.get("/timing/{clip_id}", response_model=TimingAnswer)
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
