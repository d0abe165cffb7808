"""The Suno task routes: submit music or lyrics, fetch one task or many.

Answers are pre-rendered JSON bytes from the task cache, so a fetch of a known task
touches neither the database nor the ORM.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.exceptions import InvalidRequest
from chorus.keys.dependencies import FetchKey, SubmitKey
from chorus.state import app_state
from chorus.tasks import admission, service
from chorus.tasks.dialects import envelope_parts, submit_answer
from chorus.tasks.models import Task
from chorus.tasks.schemas import Answer, FetchMany, LibraryQuery, SubmitLyrics, SubmitMusic
from chorus.webhooks import InvalidHookURL, check_hook_url_async

router = APIRouter(prefix="/suno", tags=["suno"])
# Chorus's own routes about tasks (not part of the Suno API).
library_router = APIRouter(prefix="/api", tags=["library"])
JSON = "application/json"


async def check_hook(url: str | None, settings: Settings) -> None:
    """Refuse a notify_hook Chorus must not call (400 naming ``notify_hook``): not http(s),
    or resolving to a loopback, private, link-local or metadata address unless
    ``hooks_allow_private``. Runs before the transaction: it resolves the host."""
    hook = (url or "").strip()
    if not hook:
        return
    try:
        await check_hook_url_async(hook, allow_private=settings.hooks_allow_private)
    except InvalidHookURL as exc:
        # Every 400 starts with the field it is about: "notify_hook: ...".
        detail = exc.message.removeprefix("notify_hook").lstrip(" :")
        raise InvalidRequest(f"notify_hook: {detail}", field="notify_hook") from None


@router.post("/submit/music", response_model=Answer)
async def submit_music(body: SubmitMusic, request: Request, key: SubmitKey) -> Response:
    """Start a MUSIC task (two clips). Answers the task id."""
    state = app_state(request)
    await check_hook(body.notify_hook, state.settings)

    def submit(session: Session) -> Task:
        task = service.submit_music(session, key, body, state.settings, state.enqueue)
        admission.admit(session, key, task, state.settings)
        return task

    task = await state.db.run(submit)
    return JSONResponse(submit_answer(key.dialect or state.settings.default_dialect, task.id))


@router.post("/submit/lyrics", response_model=Answer)
async def submit_lyrics(body: SubmitLyrics, request: Request, key: SubmitKey) -> Response:
    """Start a LYRICS task. Answers the task id."""
    state = app_state(request)
    await check_hook(body.notify_hook, state.settings)

    def submit(session: Session) -> Task:
        task = service.submit_lyrics(session, key, body, state.enqueue)
        admission.admit(session, key, task, state.settings)
        return task

    task = await state.db.run(submit)
    return JSONResponse(submit_answer(key.dialect or state.settings.default_dialect, task.id))


@router.get("/fetch/{task_id}", response_model=Answer)
async def fetch(
    task_id: str, request: Request, key: FetchKey, dialect: str | None = None
) -> Response:
    """One task, in the key's dialect unless ``?dialect=`` says otherwise."""
    state = app_state(request)
    chosen = service.resolve_dialect(dialect, key, state.settings.default_dialect)
    view = service.visible(await state.tasks.view(task_id), key)
    head, tail = envelope_parts(chosen)
    return Response(head + state.tasks.answer(view, chosen) + tail, media_type=JSON)


@router.post("/fetch", response_model=Answer)
async def fetch_many(
    body: FetchMany, request: Request, key: FetchKey, dialect: str | None = None
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


@library_router.get("/library", response_model=Answer)
async def library(
    params: Annotated[LibraryQuery, Query()], request: Request, key: FetchKey
) -> Response:
    """The key's tasks, newest first, whose title or tags contain ``q``: ``{"items":
    [tasks as fetched], "total", "page", "page_size"}`` in the contract's envelope."""
    state = app_state(request)
    chosen = service.resolve_dialect(params.dialect, key, state.settings.default_dialect)
    found = await state.db.run(service.library_page, key, params)
    views = await state.tasks.views(found.ids)
    items = [state.tasks.answer(views[i], chosen) for i in found.ids if i in views]
    counts = f'],"total":{found.total},"page":{found.page},"page_size":{found.page_size}}}'
    head, tail = envelope_parts(chosen)
    return Response(
        head + b'{"items":[' + b",".join(items) + counts.encode() + tail, media_type=JSON
    )
