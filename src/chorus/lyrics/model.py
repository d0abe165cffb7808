"""The written song: what every writer returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["builtin", "llm"]


@dataclass(frozen=True, slots=True)
class WrittenSong:
    """A title, Suno-like style tags and structured lyrics.

    ``lyrics`` uses section markers (``[Verse]``, ``[Chorus]``...) on their own lines and
    is empty for an instrumental. ``source`` says which writer answered; ``note`` says why
    the built-in writer answered when a language model was configured. ``language`` is the
    language of the lyrics ("en" or "zh").
    """

    title: str
    tags: str
    lyrics: str
    source: Source
    note: str = ""
    language: str = "en"
