"""The ``api_keys`` table."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chorus.db import WIDE_INT, Base


class ApiKey(Base):
    """One API key. Only the SHA-256 of the secret is stored; the secret is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the key, so an operator can tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(16))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Balance in credits: the sum of the key's ``credit_ledger`` rows.
    credits: Mapped[int] = mapped_column(WIDE_INT, default=0)
    # Answer shape for this key's fetches (suno, flat, goapi); None: the server default.
    dialect: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)
    # Signs the callbacks sent to this key's notify_hook URLs.
    webhook_secret: Mapped[str | None] = mapped_column(String(128), nullable=True, default=None)
    # Per-key limits; None: the server's setting.
    rate_submit_per_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rate_fetch_per_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_running: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
