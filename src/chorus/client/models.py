"""Normalized models of the Suno task API.

Whatever shape a server answers in (see :mod:`chorus.client.dialects`), a task reads as one
:class:`Task` holding :class:`Clip` objects or a :class:`LyricsResult`. Each keeps the object
it was read from in ``raw``, so nothing a server sent is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ClipStatus = Literal["submitted", "queued", "streaming", "complete", "error"]
TaskStatus = Literal["NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE"]
TaskAction = Literal["MUSIC", "LYRICS", ""]
Dialect = Literal["suno", "flat", "goapi", "clips"]

#: Task statuses after which nothing changes any more.
TERMINAL_STATUSES: frozenset[str] = frozenset({"SUCCESS", "FAILURE"})


class _Model(BaseModel):
    # Frozen so a Task handed to an on_progress callback cannot be changed under the poller.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Clip(_Model):
    """One generated song (a MUSIC task makes two)."""

    id: str
    title: str = ""
    status: ClipStatus = "submitted"
    audio_url: str | None = None
    image_url: str | None = None
    image_large_url: str | None = None
    video_url: str | None = None
    tags: str = ""
    #: The lyrics (custom mode) or the lyrics the service wrote (inspiration mode).
    prompt: str = ""
    gpt_description_prompt: str | None = None
    #: Length in seconds; None until the server knows it.
    duration: float | None = None
    model_name: str | None = None
    created_at: datetime | None = None
    error_message: str | None = None
    continue_clip_id: str | None = None
    #: Seconds into ``continue_clip_id`` where this clip carries on.
    continue_at: float | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)


class LyricsResult(_Model):
    """The answer of a LYRICS task."""

    id: str = ""
    text: str = ""
    title: str = ""
    status: ClipStatus = "submitted"
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)


class Task(_Model):
    """A MUSIC or LYRICS task as last seen on the server."""

    task_id: str
    action: TaskAction = ""
    status: TaskStatus = "NOT_START"
    fail_reason: str = ""
    #: Unix seconds; 0 when the server has not said.
    submit_time: int = 0
    start_time: int = 0
    finish_time: int = 0
    #: Percent, 0..100.
    progress: int = Field(default=0, ge=0, le=100)
    clips: list[Clip] = Field(default_factory=list)
    lyrics: LyricsResult | None = None
    notify_hook: str | None = None
    #: The submit request as the server echoes it (goapi's ``input``), else empty.
    input: dict[str, Any] = Field(default_factory=dict, repr=False)
    #: The wire shape the task was read from.
    dialect: Dialect = "suno"
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def done(self) -> bool:
        """True once the task has finished, well or badly."""
        return self.status in TERMINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        """True once the task has finished well."""
        return self.status == "SUCCESS"
