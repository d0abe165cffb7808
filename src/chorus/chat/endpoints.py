"""OpenAI-compatible routes: ``GET /v1/models`` and ``POST /v1/chat/completions``.

A chat completion starts a MUSIC task under the caller's key through the same service as
``POST /suno/submit/music``. Streamed, it answers Server-Sent Events in OpenAI's
``chat.completion.chunk`` shape until the task finishes; otherwise it waits and answers one
``chat.completion``. Errors of these routes are in OpenAI's shape (see
``exception_handlers``).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from chorus.chat import service
from chorus.chat.schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatRequest,
    ModelCard,
    ModelList,
    OpenAIError,
)
from chorus.keys.dependencies import CurrentKey, SubmitKey
from chorus.state import AppState, app_state
from chorus.tasks import admission
from chorus.tasks import service as tasks_service
from chorus.tasks.models import Task

router = APIRouter(prefix="/v1", tags=["openai"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIError, "description": "Not valid; `param` names the field"},
    401: {"model": OpenAIError, "description": "Missing or unknown API key"},
    404: {"model": OpenAIError, "description": "Unknown model"},
    402: {"model": OpenAIError, "description": "Not enough credits (`insufficient_quota`)"},
    429: {"model": OpenAIError, "description": "Rate or concurrency limit"},
}


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with its local ``$defs`` references written out (no nested ``$defs``
    end up in the OpenAPI document)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


_CHUNK_SCHEMA = ChatCompletionChunk.model_json_schema()
_CHUNK_SCHEMA = _inline(_CHUNK_SCHEMA, _CHUNK_SCHEMA.get("$defs", {}))
_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A `chat.completion`; with `stream: true`, `text/event-stream` of "
        "`chat.completion.chunk` events ending with `data: [DONE]`",
        "content": {
            "text/event-stream": {
                "schema": _CHUNK_SCHEMA,
                "example": 'data: {"id":"chatcmpl-<task id>","object":"chat.completion.chunk",'
                '"created":1716192124,"model":"chirp-v3-5","choices":[{"index":0,'
                '"delta":{"content":"- in progress: 42%\\n"},"finish_reason":null}]}\n\n'
                "data: [DONE]\n\n",
            }
        },
    },
    **_ERRORS,
}
_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@router.get("/models", response_model=ModelList, responses=_ERRORS, summary="List models")
async def models(key: CurrentKey) -> ModelList:
    """The music models a chat completion accepts (each also a ``mv`` of the submit
    route), in OpenAI's list shape."""
    created = service.models_created()
    return ModelList(
        data=[ModelCard(id=name, created=created, owned_by="chorus") for name in service.models()]
    )


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses=_STREAM_DOC,
    summary="Make a song (chat format)",
)
async def completions(body: ChatRequest, request: Request, key: SubmitKey) -> Response:
    """Start a MUSIC task from the last user message (an idea, lyrics with ``[Verse]``
    markers, or a JSON object of submit fields) and answer the finished song as Markdown:
    title, cover, style, lyrics and the MP3/MP4 links of both clips. With ``stream: true``
    the answer streams the task id, real status and percentage as the task moves, the
    links of the audio streams, then the Markdown."""
    state = app_state(request)
    submit = service.submit_body(body)

    def start(session: Session) -> Task:
        # Exactly what POST /suno/submit/music does: the same task, limits and price.
        task = tasks_service.submit_music(session, key, submit, state.settings, state.enqueue)
        admission.admit(session, key, task, state.settings)
        return task

    task = await state.db.run(start)
    timeout = _wait_limit(state)
    if body.stream:
        events = _events(state, task.id, body.model, timeout)
        return StreamingResponse(events, media_type="text/event-stream", headers=_SSE_HEADERS)
    view = await service.wait_finished(
        state.tasks, task.id, timeout_s=timeout, gone=request.is_disconnected
    )
    if view is None:
        return Response(status_code=204)  # the caller left; nobody reads this
    base = state.settings.effective_public_base_url
    content = service.opening(task.id, body.model) + service.final_markdown(view, base)
    prompt_tokens = service.token_count(service.last_user_text(body.messages))
    completion_tokens = service.token_count(content)
    answer = {
        "id": f"chatcmpl-{task.id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return JSONResponse(answer, headers={"X-Chorus-Task-Status": view.status})


def _wait_limit(state: AppState) -> float:
    if state.worker is None:
        return 0.0  # nothing renders in this server: say where the task is and stop
    # A task may wait in the queue before its own timeout starts counting.
    return state.settings.task_timeout_s * 2 + 60.0


def _chunk(
    task_id: str, model: str, created: int, delta: dict[str, str], finish: str | None = None
) -> bytes:
    payload = ChatCompletionChunk.model_validate(
        {
            "id": f"chatcmpl-{task_id}",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    ).model_dump(exclude_none=False)
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


async def _events(
    state: AppState, task_id: str, model: str, timeout_s: float
) -> AsyncIterator[bytes]:
    """The SSE stream; it ends when the task does, or when the client goes away (the
    server then stops iterating; the task itself goes on)."""
    created = int(time.time())
    yield _chunk(
        task_id, model, created, {"role": "assistant", "content": service.opening(task_id, model)}
    )
    base = state.settings.effective_public_base_url
    async for said in service.narrate(state.tasks, task_id, base, timeout_s=timeout_s):
        if said is None:
            yield b": keep-alive\n\n"
        else:
            yield _chunk(task_id, model, created, {"content": said})
    yield _chunk(task_id, model, created, {}, finish="stop")
    yield b"data: [DONE]\n\n"
