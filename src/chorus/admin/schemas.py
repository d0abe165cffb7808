"""Wire models of the admin routes over tasks, the ledger and deliveries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE"]


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class TaskQuery(_Query):
    """Filters of ``GET /admin/tasks``; all optional, combined with AND."""

    key: str | None = Field(None, max_length=100)
    status: Status | None = None
    action: Literal["MUSIC", "LYRICS"] | None = None
    channel: str | None = Field(None, max_length=64)
    upstream_task_id: str | None = Field(None, max_length=2048)
    # Unix seconds: tasks submitted at or after.
    since: float | None = Field(None, ge=0, le=10**11)


class LedgerQuery(_Query):
    key: str | None = Field(None, max_length=100)
    task_id: str | None = Field(None, max_length=64)
    reason: Literal["grant", "charge", "refund", "adjust"] | None = None
    since: float | None = Field(None, ge=0, le=10**11)


class DeliveryQuery(_Query):
    key: str | None = Field(None, max_length=100)
    task_id: str | None = Field(None, max_length=64)
    state: Literal["pending", "delivered", "gave_up", "superseded"] | None = None


class AdminClip(BaseModel):
    id: str
    status: str
    progress: int
    duration: float | None
    attempt: int
    error_message: str
    upstream_clip_id: str | None


class AdminTask(BaseModel):
    task_id: str
    key: str
    action: str
    mode: str
    status: str
    progress: int
    fail_reason: str
    mv: str
    notify_hook: str
    submit_time: int
    start_time: int
    finish_time: int
    # Render attempts started (a crash or restart makes another).
    attempts: int
    version: int
    channel: str | None
    upstream_task_id: str | None
    clips: list[AdminClip]
    # Which lyrics writer answered ("llm", "builtin"; "" when none was asked) and, when a
    # language model was configured but the built-in writer answered, why.
    lyrics_source: str = ""
    lyrics_note: str = ""


class LedgerEntry(BaseModel):
    id: int
    key: str
    task_id: str | None
    delta: int
    balance_after: int
    reason: str
    note: str
    created_at: float


class AttemptInfo(BaseModel):
    attempted_at: float
    status_code: int | None
    error: str
    duration_s: float
    response_excerpt: str


class DeliveryInfo(BaseModel):
    id: str
    task_id: str
    key: str
    url: str
    version: int
    task_status: str
    state: str
    attempts: int
    first_attempt_at: float | None
    next_attempt_at: float
    last_status_code: int | None
    last_error: str
    delivered_at: float | None
    created_at: float
    attempt_log: list[AttemptInfo] = []


class AdminTaskDetails(AdminTask):
    """One task in full: the request as received, what it was charged and refunded, and
    every callback delivery with its attempts."""

    title: str
    tags: str
    input: str
    # Which lyrics writer answered ("llm", "builtin"; empty when none was asked), and
    # why the built-in one did when a language model is configured.
    lyrics_source: str
    lyrics_note: str
    credits: list[LedgerEntry]
    deliveries: list[DeliveryInfo]
