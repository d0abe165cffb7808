"""Wire models of the admin key routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chorus.config import Dialect

_LIMIT = Field(None, ge=1, le=1_000_000)


class CreateKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    # Starting balance; the server's default_key_credits when absent.
    credits: int | None = Field(None, ge=0, le=10**12)
    dialect: Dialect | None = None
    rate_submit_per_min: int | None = _LIMIT
    rate_fetch_per_min: int | None = _LIMIT
    max_running: int | None = _LIMIT


class CreatedKey(BaseModel):
    """The new key: shown this once, only its hash is kept."""

    key: str
    name: str


class UpdateKey(BaseModel):
    """Fields to change; a limit set to null goes back to the server's setting."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    dialect: Dialect | None = None
    rate_submit_per_min: int | None = _LIMIT
    rate_fetch_per_min: int | None = _LIMIT
    max_running: int | None = _LIMIT


class SetCredits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credits: int = Field(ge=0, le=10**12)
    note: str = Field("", max_length=500)


class KeyDetails(BaseModel):
    name: str
    key_prefix: str
    credits: int
    dialect: Dialect | None
    enabled: bool
    is_admin: bool
    created_at: float
    # Signs this key's callbacks (Standard Webhooks, ``whsec_...``).
    webhook_secret: str | None
    rate_submit_per_min: int | None
    rate_fetch_per_min: int | None
    max_running: int | None
