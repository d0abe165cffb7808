"""Which lyrics writer the worker asks: the language model when ``CHORUS_LLM_BASE_URL``,
``CHORUS_LLM_API_KEY`` and ``CHORUS_LLM_MODEL`` are set, else the built-in writer.

The language-model writer never fails a task: on any trouble the built-in writer answers
and ``WrittenSong.note`` says why; the worker records ``source`` and ``note`` on the task.
A song's lyrics are sized to the clip that sings them (``Fit``: its duration and style).
"""

from __future__ import annotations

import asyncio
import dataclasses

from chorus.config import Settings
from chorus.lyrics import (
    Fit,
    LlmWriter,
    WrittenSong,
    lyrics_from_title,
    write_song,
    writer_from_settings,
)


class SongWriter:
    """Writes the title, tags and lyrics of a task."""

    def __init__(self, settings: Settings, llm: LlmWriter | None = None) -> None:
        self._llm = llm if llm is not None else writer_from_settings(settings)

    @property
    def uses_llm(self) -> bool:
        return self._llm is not None

    async def song(
        self, idea: str, *, seed: int, instrumental: bool = False, fit: Fit | None = None
    ) -> WrittenSong:
        """Title, tags and lyrics (none when ``instrumental``) for a one-line idea; the
        lyrics sized to ``fit`` when given, else the full form (a LYRICS task)."""
        if self._llm is not None:
            return await self._llm.write_song(idea, seed=seed, instrumental=instrumental, fit=fit)
        return await asyncio.to_thread(
            write_song, idea, seed=seed, instrumental=instrumental, fit=fit
        )

    async def from_title(
        self, title: str, tags: str, *, seed: int, fit: Fit | None = None
    ) -> WrittenSong:
        """Lyrics to sing for a given title and style (custom mode without lyrics), sized to
        ``fit`` when given."""
        note = ""
        if self._llm is not None:
            idea = ", ".join(part for part in (title.strip(), tags.strip()) if part)
            idea = f"a song called {idea}" if title.strip() else f"a song in the style {idea}"
            song = await self._llm.write_song(idea, seed=seed, fit=fit)
            if song.source == "llm":
                return song
            note = song.note
        # The built-in writer has a mode for exactly this: keep to the title's words.
        built = await asyncio.to_thread(lyrics_from_title, title, tags, seed=seed, fit=fit)
        return dataclasses.replace(built, note=note) if note else built
