"""The one settings object.

Every setting is read from the environment with the ``CHORUS_`` prefix (``CHORUS_DATA_DIR``,
``CHORUS_ADMIN_KEY``...) or passed explicitly by the CLI. Nothing else in the code reads the
environment.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Dialect = Literal["suno", "flat", "goapi"]


class Settings(BaseSettings):
    """Typed configuration for the whole service."""

    model_config = SettingsConfigDict(env_prefix="CHORUS_", extra="ignore")

    # Where the service keeps its database and media files.
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = 8000
    # Base of the absolute media URLs given to clients; defaults to http://host:port.
    public_base_url: str | None = None
    # SQLAlchemy URL; defaults to SQLite under data_dir.
    database_url: str | None = None
    admin_key: str | None = None

    default_dialect: Dialect = "suno"
    # Render processes for the built-in engine (each renders one clip at a time).
    workers: int = Field(default=2, ge=1, le=64)
    # A task running longer than this becomes FAILURE with a reason.
    task_timeout_s: float = Field(default=900.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)

    # Optional OpenAI-compatible chat API for lyrics, titles and tags; the built-in writer
    # answers when these are unset or the API fails.
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'chorus.db').resolve()}"

    @cached_property
    def effective_public_base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"
