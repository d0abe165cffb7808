"""Wire models of the admin key routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chorus.config import Dialect


class CreateKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    credits: int = Field(0, ge=0, le=10**12)
    dialect: Dialect | None = None


class CreatedKey(BaseModel):
    """The new key: shown this once, only its hash is kept."""

    key: str
    name: str


class KeyDetails(BaseModel):
    name: str
    key_prefix: str
    credits: int
    dialect: Dialect | None
    enabled: bool
    is_admin: bool
    created_at: float
