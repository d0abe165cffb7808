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
    # SQLAlchemy URL; defaults to SQLite under data_dir. PostgreSQL for several processes:
    # postgresql+psycopg://user@host:5432/db (postgres:// and postgresql:// mean the same).
    database_url: str | None = None
    admin_key: str | None = None

    default_dialect: Dialect = "suno"
    # Render processes for the built-in engine (each renders one clip at a time).
    workers: int = Field(default=2, ge=1, le=64)
    # A task running longer than this becomes FAILURE with a reason.
    task_timeout_s: float = Field(default=900.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    # Length of a clip when the submit body gives no "duration" (seconds, 10..480).
    song_duration_s: float = Field(default=120.0, ge=10.0, le=480.0)
    # A task interrupted (crash, kill) this many times is failed instead of resumed.
    max_attempts: int = Field(default=3, ge=1, le=100)
    # On shutdown, running tasks get this long to finish before being handed back.
    shutdown_grace_s: float = Field(default=5.0, ge=0)
    # How long a fetch may answer from memory about a task that is not finished (seconds;
    # 0: read it every time). Another process sharing the database may move it meanwhile;
    # this process's own changes and finished tasks are always answered as they are.
    task_cache_ttl_s: float = Field(default=1.0, ge=0)
    # Clip files (audio, covers, video, stems) of tasks submitted longer ago than this are
    # deleted (0: kept for ever); the tasks stay and fetch answers as before, their media
    # URLs answer 404. Looked for every media_sweep_s.
    media_retention_days: float = Field(default=0.0, ge=0)
    media_sweep_s: float = Field(default=3600.0, gt=0)

    # Optional OpenAI-compatible chat API for lyrics, titles and tags; the built-in writer
    # answers when these are unset or the API fails.
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)

    # Per-key request rates (requests per minute; a key may burst up to one minute's worth).
    rate_submit_per_min: int = Field(default=30, ge=1)
    rate_fetch_per_min: int = Field(default=600, ge=1)
    # Unfinished tasks one key may have at once; beyond it submit answers 429.
    max_running_per_key: int = Field(default=4, ge=1)
    # Tasks waiting for a worker across all keys; beyond it submit answers 503.
    max_queue: int = Field(default=200, ge=1)
    # Shared rate-limit state for several service processes; in-process state when unset.
    redis_url: str | None = None

    # Credits: each submit reserves its action's price from the key's balance (402
    # quota_not_enough when short); a task that fails gives it back once.
    credits_enforced: bool = True
    price_music: int = Field(default=10, ge=0)
    price_lyrics: int = Field(default=1, ge=0)
    price_extend: int = Field(default=10, ge=0)
    price_concat: int = Field(default=2, ge=0)
    # Balance of a key created without "credits" (so a fresh install works at once).
    default_key_credits: int = Field(default=100, ge=0)

    # Observability: JSON log lines (else readable text), the log level, and an optional
    # bearer token /metrics then requires (open when unset).
    log_json: bool = True
    log_level: str = "INFO"
    metrics_token: str | None = None

    # notify_hook callbacks. Private, loopback and link-local destinations are refused
    # unless allowed (a hook on the same machine or LAN is then possible).
    hooks_allow_private: bool = False
    # A delivery is retried with backoff until this long after its first attempt.
    hooks_max_age_s: float = Field(default=21600.0, gt=0)
    # Limit for one delivery attempt: connect, send and read the answer.
    hooks_timeout_s: float = Field(default=10.0, gt=0)
    # Backoff between attempts: the first delay, doubling up to the cap (seconds).
    hooks_retry_base_s: float = Field(default=5.0, gt=0)
    hooks_retry_max_delay_s: float = Field(default=1800.0, gt=0)
    # How often the delivery loop looks for due deliveries when nothing wakes it.
    hooks_poll_s: float = Field(default=1.0, gt=0)

    # Upstream channels (other providers of this API, Suno accounts) next to the engine.
    # Complete clips' files are copied into our media store, so our URLs keep working once
    # the upstream's expire; when off, our media URLs redirect to the upstream's.
    mirror_media: bool = True
    mirror_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    # The media URLs in an upstream's answers (files to mirror, live streams) are fetched
    # only from public addresses or from a channel's own host, so an upstream cannot make
    # this server fetch from its private network and serve the result; true allows any.
    mirror_allow_private: bool = False
    # A relayed task the upstream has not finished after this long fails with a reason.
    upstream_timeout_s: float = Field(default=900.0, gt=0)
    # Limit for one upstream request (submit, fetch, download).
    upstream_request_timeout_s: float = Field(default=30.0, gt=0)
    # Unfinished relayed tasks are fetched this often, in batches of at most this many.
    upstream_poll_s: float = Field(default=3.0, gt=0)
    upstream_batch_size: int = Field(default=50, ge=1, le=100)
    # Consecutive failures that open a channel's circuit, and how long it stays open
    # before one probe request may try it again.
    breaker_failures: int = Field(default=3, ge=1)
    breaker_reset_s: float = Field(default=30.0, gt=0)
    # A channel whose account is refused (captcha, rejected login) rests this long.
    channel_cooldown_s: float = Field(default=300.0, gt=0)

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            # The driver shipped is psycopg (3): plain postgres URLs get it too.
            scheme, sep, rest = self.database_url.partition("://")
            if sep and scheme in ("postgres", "postgresql"):
                return f"postgresql+psycopg://{rest}"
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
