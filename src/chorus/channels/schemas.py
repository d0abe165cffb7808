"""Wire models of the admin channel routes and the admin task view."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["local", "relay", "suno-web"]
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class CreateChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    kind: Kind = "relay"
    base_url: str = Field(default="", max_length=2048)
    secret: str = Field(default="", max_length=16384)
    models: list[str] = Field(default_factory=list, max_length=100)
    priority: int = Field(default=0, ge=-1000, le=1000)
    weight: int = Field(default=1, ge=1, le=1000)
    max_concurrency: int = Field(default=0, ge=0, le=100000)
    enabled: bool = True
    options: dict[str, str] = Field(default_factory=dict, max_length=20)


class UpdateChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(default=None, max_length=2048)
    secret: str | None = Field(default=None, max_length=16384)
    models: list[str] | None = Field(default=None, max_length=100)
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    weight: int | None = Field(default=None, ge=1, le=1000)
    max_concurrency: int | None = Field(default=None, ge=0, le=100000)
    enabled: bool | None = None
    options: dict[str, str] | None = Field(default=None, max_length=20)


class ChannelDetails(BaseModel):
    """A channel as the admin sees it: the secret is never shown, only whether one is set."""

    name: str
    kind: Kind
    base_url: str
    has_secret: bool
    models: list[str]
    priority: int
    weight: int
    max_concurrency: int
    enabled: bool
    options: dict[str, str]
    # closed, open or half-open; "cooling" while an account rests after a refusal.
    state: str
    running: int
