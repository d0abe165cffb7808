"""The ``tasks`` and ``clips`` tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chorus.db import Base


class Task(Base):
    """A MUSIC or LYRICS task. Title, tags and lyrics are shared by the task's clips."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    # One of NOT_START, SUBMITTED, QUEUED, IN_PROGRESS, SUCCESS, FAILURE.
    status: Mapped[str] = mapped_column(String(16), index=True)
    fail_reason: Mapped[str] = mapped_column(Text, default="")
    notify_hook: Mapped[str] = mapped_column(Text, default="")
    # inspiration, custom, instrumental, extend (MUSIC) or lyrics (LYRICS).
    mode: Mapped[str] = mapped_column(String(16))
    mv: Mapped[str] = mapped_column(String(40), default="")
    # The request as it was received (normalized JSON), answered by the goapi dialect.
    input_json: Mapped[str] = mapped_column(Text, default="{}")
    gpt_description_prompt: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    negative_tags: Mapped[str] = mapped_column(Text, default="")
    lyrics: Mapped[str] = mapped_column(Text, default="")
    make_instrumental: Mapped[bool] = mapped_column(Boolean, default=False)
    duration: Mapped[float] = mapped_column(Float)
    continue_clip_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    continue_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # How many times rendering started; a task interrupted too often is failed.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    submit_time: Mapped[int] = mapped_column(Integer, index=True)
    start_time: Mapped[int] = mapped_column(Integer, default=0)
    finish_time: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[float] = mapped_column(Float)
    # +1 on every status change; callbacks carry it so an older status never follows a
    # newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The channel that ran the task ("local": the built-in engine) and its id there.
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    upstream_task_id: Mapped[str | None] = mapped_column(String(512), nullable=True, index=True)
    # Which lyrics writer answered ("llm", "builtin"; empty when none was asked) and, when
    # the language model was configured but the built-in writer answered, why.
    lyrics_source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    lyrics_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    clips: Mapped[list[Clip]] = relationship(
        back_populates="task", order_by="Clip.idx", lazy="selectin"
    )


class Clip(Base):
    """One rendered song of a MUSIC task; its files live in ``media/<id>/<attempt>/``."""

    __tablename__ = "clips"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    # One of submitted, queued, streaming, complete, error.
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    audio_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    # A relayed clip's id upstream, and its files' upstream URLs when they were not mirrored.
    upstream_clip_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    upstream_media: Mapped[str] = mapped_column(Text, default="", server_default="")

    task: Mapped[Task] = relationship(back_populates="clips")
