"""The rules of the chat format: which models exist, what the last user message asks for,
and what the assistant says while the song is made and once it is done.

The message becomes an ordinary ``SubmitMusic`` body, so a chat request is a MUSIC task
like any other (same validation, same keys, limits and ownership). What is said comes from
the task's real snapshots: the opening line with the task id, a line each time the status
or percentage moves, the links of the audio streams as soon as a clip streams, then the
final Markdown.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from chorus.chat.schemas import ChatMessage, ChatRequest
from chorus.exception_handlers import validation_message
from chorus.exceptions import InvalidRequest, NotFound
from chorus.tasks.cache import TaskCache
from chorus.tasks.catalog import MODEL_VERSIONS
from chorus.tasks.dialects import media_urls
from chorus.tasks.lifecycle import TERMINAL
from chorus.tasks.schemas import SubmitMusic
from chorus.tasks.views import TaskView

POLL_S = 0.5
# A comment line now and then keeps proxies from closing a quiet stream.
HEARTBEAT_S = 15.0
# Fields a JSON message may carry, as some relays document for their chat format.
JSON_FIELDS = (
    "gpt_description_prompt",
    "prompt",
    "tags",
    "negative_tags",
    "title",
    "make_instrumental",
    "duration",
    "voice",
)
_MARKER = re.compile(r"^\s*\[[^\[\]\n]{1,40}\]\s*$", re.MULTILINE)
_CREATED = int(time.time())


class ModelNotFound(NotFound):
    """The model does not exist."""

    code = "model_not_found"


def models() -> list[str]:
    """The music models, each a ``mv`` the submit route accepts."""
    return list(MODEL_VERSIONS)


def models_created() -> int:
    return _CREATED


def check_model(model: str) -> str:
    if model not in MODEL_VERSIONS:
        raise ModelNotFound(
            f"model: the model {model!r} does not exist; GET /v1/models lists the music models"
        )
    return model


def _text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if message.content is None:
        return ""
    return "\n".join(part.text or "" for part in message.content if part.type == "text")


def last_user_text(messages: list[ChatMessage]) -> str:
    """The text of the last ``user`` message: what the caller asks for now."""
    for message in reversed(messages):
        if message.role == "user":
            text = _text(message).strip()
            if not text:
                raise InvalidRequest("messages: the last user message is empty", field="messages")
            return text
    raise InvalidRequest("messages: no user message with a song idea", field="messages")


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def submit_body(request: ChatRequest) -> SubmitMusic:
    """The MUSIC task a chat request asks for: an idea (inspiration mode), lyrics with
    ``[Verse]``-style markers (custom mode), or a JSON object of submit fields."""
    mv = check_model(request.model)
    text = last_user_text(request.messages)
    fields = _json_object(text)
    data: dict[str, Any]
    if fields is not None:
        data = {name: fields[name] for name in JSON_FIELDS if name in fields}
        if not any(
            str(data.get(name) or "").strip()
            for name in ("gpt_description_prompt", "prompt", "title", "tags")
        ):
            raise InvalidRequest(
                "messages: the JSON message needs gpt_description_prompt, or prompt "
                "(lyrics), title or tags",
                field="messages",
            )
    elif _MARKER.search(text):
        data = {"prompt": text}
    else:
        data = {"gpt_description_prompt": text}
    data["mv"] = mv
    try:
        return SubmitMusic.model_validate(data)
    except ValidationError as exc:
        problem = validation_message([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
        raise InvalidRequest(f"messages: {problem}", field="messages") from None


# -- what the assistant says -----------------------------------------------------------


def opening(task_id: str, model: str) -> str:
    return f"Task `{task_id}` submitted ({model}).\n\n"


def progress_line(view: TaskView) -> str:
    return f"- {view.status.lower().replace('_', ' ')}: {view.progress}%\n"


def stream_line(view: TaskView, clip_idx: int, base_url: str) -> str:
    clip = next(c for c in view.clips if c.idx == clip_idx)
    audio = media_urls(clip, base_url)[0]
    return f"- clip {clip_idx} is playing while it is made: {audio}\n"


def final_markdown(view: TaskView, base_url: str) -> str:
    """The finished song: title, cover, style, lyrics and the MP3 and MP4 of each clip;
    or why it failed."""
    if view.status == "FAILURE":
        return f"\n**The song could not be made:** {view.fail_reason}\n\nTask: `{view.id}`\n"
    if view.status != "SUCCESS":
        return (
            f"\nThe song is still being made ({view.progress}%). "
            f"Fetch it later: `GET /suno/fetch/{view.id}`.\n"
        )
    title = view.title or "Untitled"
    parts = [f"\n## {title}\n"]
    cover = media_urls(view.clips[0], base_url)[2] if view.clips else ""
    if cover:
        parts.append(f"![{title}]({cover})\n")
    parts.append(f"**Style:** {view.tags or 'the engine chose'}\n")
    lyrics = "(instrumental)" if view.make_instrumental else view.lyrics.strip()
    parts.append(f"**Lyrics:**\n\n```\n{lyrics or '(instrumental)'}\n```\n")
    for clip in view.clips:
        audio, _image, _large, video = media_urls(clip, base_url)
        seconds = clip.duration if clip.duration is not None else clip.audio_seconds
        parts.append(f"**Clip {clip.idx}** ({seconds:.0f} s): [MP3]({audio}) · [MP4]({video})\n")
    parts.append(f"Task: `{view.id}`\n")
    return "\n".join(parts)


def _signature(view: TaskView) -> tuple[str, int]:
    return view.status, view.progress


async def narrate(
    tasks: TaskCache,
    task_id: str,
    base_url: str,
    *,
    timeout_s: float,
    poll_s: float = POLL_S,
) -> AsyncIterator[str | None]:
    """What the assistant says about the task as it moves, ending with the final
    Markdown. ``None`` means nothing new for :data:`HEARTBEAT_S` (send a keep-alive)."""
    deadline = time.monotonic() + timeout_s
    last: tuple[str, int] | None = None
    announced: set[int] = set()
    quiet_since = time.monotonic()
    view = await tasks.view(task_id)
    while view is not None:
        said = False
        if _signature(view) != last:
            last = _signature(view)
            yield progress_line(view)
            said = True
        for clip in view.clips:
            if clip.status == "streaming" and clip.idx not in announced:
                announced.add(clip.idx)
                yield stream_line(view, clip.idx, base_url)
                said = True
        if view.status in TERMINAL or time.monotonic() > deadline:
            yield final_markdown(view, base_url)
            return
        now = time.monotonic()
        if said:
            quiet_since = now
        elif now - quiet_since >= HEARTBEAT_S:
            quiet_since = now
            yield None
        await asyncio.sleep(poll_s)
        view = await tasks.view(task_id)


async def wait_finished(
    tasks: TaskCache,
    task_id: str,
    *,
    timeout_s: float,
    gone: Callable[[], Awaitable[bool]],
    poll_s: float = POLL_S,
) -> TaskView | None:
    """The task once it is finished (or when ``timeout_s`` passed); None if the caller
    went away meanwhile (the task goes on)."""
    deadline = time.monotonic() + timeout_s
    while True:
        view = await tasks.view(task_id)
        if view is None or view.status in TERMINAL or time.monotonic() > deadline:
            return view
        if await gone():
            return None
        await asyncio.sleep(poll_s)


def token_count(text: str) -> int:
    """A rough token count for ``usage`` (about four characters a token)."""
    return max(1, len(text) // 4) if text else 0
