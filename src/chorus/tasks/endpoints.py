"""The Suno task routes: submit music or lyrics, fetch one task or many.

Answers are pre-rendered JSON bytes from the task cache, so a fetch of a known task
touches neither the database nor the ORM.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from chorus.keys.dependencies import CurrentKey
from chorus.state import app_state
from chorus.tasks import service
from chorus.tasks.dialects import envelope_parts, submit_answer
from chorus.tasks.schemas import Answer, FetchMany, SubmitLyrics, SubmitMusic

router = APIRouter(prefix="/suno", tags=["suno"])
JSON = "application/json"


@router.post("/submit/music", response_model=Answer)
async def submit_music(body: SubmitMusic, request: Request, key: CurrentKey) -> Response:
    """Start a MUSIC task (two clips). Answers the task id."""
    state = app_state(request)
    task = await state.db.run(service.submit_music, key, body, state.settings, state.enqueue)
    return JSONResponse(submit_answer(key.dialect or state.settings.default_dialect, task.id))


@router.post("/submit/lyrics", response_model=Answer)
async def submit_lyrics(body: SubmitLyrics, request: Request, key: CurrentKey) -> Response:
    """Start a LYRICS task. Answers the task id."""
    state = app_state(request)
    task = await state.db.run(service.submit_lyrics, key, body, state.enqueue)
    return JSONResponse(submit_answer(key.dialect or state.settings.default_dialect, task.id))


@router.get("/fetch/{task_id}", response_model=Answer)
async def fetch(
    task_id: str, request: Request, key: CurrentKey, dialect: str | None = None
) -> Response:
    """One task, in the key's dialect unless ``?dialect=`` says otherwise."""
    state = app_state(request)
    chosen = service.resolve_dialect(dialect, key, state.settings.default_dialect)
    view = service.visible(await state.tasks.view(task_id), key)
    head, tail = envelope_parts(chosen)
    return Response(head + state.tasks.answer(view, chosen) + tail, media_type=JSON)


@router.post("/fetch", response_model=Answer)
async def fetch_many(
    body: FetchMany, request: Request, key: CurrentKey, dialect: str | None = None
) -> Response:
    """Many tasks in the order asked; unknown ids, other keys' tasks and tasks of
    another ``action`` are left out."""
    state = app_state(request)
    chosen = service.resolve_dialect(dialect, key, state.settings.default_dialect)
    ids = service.batch_ids(body)
    views = await state.tasks.views(ids)
    parts = []
    for task_id in ids:
        view = views.get(task_id)
        if view is None or view.key_id != key.id:
            continue
        if body.action is not None and view.action != body.action:
            continue
        parts.append(state.tasks.answer(view, chosen))
    head, tail = envelope_parts(chosen)
    return Response(head + b"[" + b",".join(parts) + b"]" + tail, media_type=JSON)
