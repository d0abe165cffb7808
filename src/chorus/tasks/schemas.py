"""Wire models of the task routes (request bodies; answers are rendered by ``dialects``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chorus.engine.request import MAX_DURATION_S, MAX_LYRICS_CHARS, MIN_DURATION_S

MAX_FETCH_IDS = 100
_ID = 64


class _Body(BaseModel):
    # Clients of other gateways send extra fields (custom_mode, callback_url...): ignore.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class SubmitMusic(_Body):
    """``POST /suno/submit/music``: every field optional; the mode follows from which
    are given (inspiration, custom, instrumental, extend)."""

    gpt_description_prompt: str | None = Field(None, max_length=3000)
    prompt: str | None = Field(None, max_length=MAX_LYRICS_CHARS)
    tags: str | None = Field(None, max_length=1000)
    negative_tags: str | None = Field(None, max_length=1000)
    title: str | None = Field(None, max_length=200)
    mv: str | None = Field(None, max_length=64)
    make_instrumental: bool | None = None
    continue_clip_id: str | None = Field(None, max_length=_ID)
    continue_at: float | None = Field(None, ge=0, le=MAX_DURATION_S)
    task_id: str | None = Field(None, max_length=_ID)
    task: str | None = Field(None, max_length=32)
    notify_hook: str | None = Field(None, max_length=2048)
    # Not in Suno's API: the clip length in seconds (the server default when absent).
    duration: float | None = Field(None, ge=MIN_DURATION_S, le=MAX_DURATION_S)
    # Not in Suno's API: the singing voice (the tags decide when absent).
    voice: Literal["male", "female"] | None = None


class SubmitLyrics(_Body):
    """``POST /suno/submit/lyrics``: the idea to write lyrics for."""

    prompt: str = Field(max_length=3000)
    notify_hook: str | None = Field(None, max_length=2048)


class FetchMany(_Body):
    """``POST /suno/fetch``: up to 100 task ids, optionally only one kind of task."""

    ids: list[str]
    action: str | None = Field(None, max_length=16)


class LibraryQuery(_Body):
    """``GET /api/library``: the key's tasks whose title or tags contain ``q``."""

    q: str = Field("", max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)
    action: Literal["MUSIC", "LYRICS"] | None = None
    dialect: str | None = Field(None, max_length=16)


class Answer(BaseModel):
    """The contract's envelope (documentation only: answers are pre-rendered JSON)."""

    code: str | int
    message: str
    data: object | None = None
