"""The ``channels`` table: the upstreams an admin configured, and the built-in engine."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chorus.db import Base


class Channel(Base):
    """One place tasks can be sent. ``kind`` is ``local`` (the built-in engine),
    ``relay`` (a provider of this API) or ``suno-web`` (a Suno account)."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    base_url: Mapped[str] = mapped_column(Text, default="")
    # The relay's API key, or the Suno account's cookie. Never shown back.
    secret: Mapped[str] = mapped_column(Text, default="")
    # JSON list of mv values and actions (MUSIC, LYRICS) served; empty: everything.
    models_json: Mapped[str] = mapped_column(Text, default="[]")
    # Higher first; channels of equal priority share work by weight.
    priority: Mapped[int] = mapped_column(Integer, default=0)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    # Unfinished tasks the channel may hold at once; 0: no limit.
    max_concurrency: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # JSON object of kind-specific settings (suno-web: clerk_url).
    options_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
