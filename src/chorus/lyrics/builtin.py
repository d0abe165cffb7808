"""The built-in writer: pure, deterministic, offline."""

from __future__ import annotations

import hashlib
import random

from chorus.exceptions import InvalidRequest
from chorus.lyrics.analysis import Idea, read_idea
from chorus.lyrics.chinese import write_chinese
from chorus.lyrics.english import write_english
from chorus.lyrics.fit import Fit, fit_parts
from chorus.lyrics.model import WrittenSong
from chorus.lyrics.song import FULL_FORM, assemble, render
from chorus.lyrics.tags import compose_tags

MAX_TITLE_CHARS = 80


def _rng(seed: int, text: str, purpose: str) -> random.Random:
    """A generator seeded from the seed and a stable hash of the text (never ``hash()``,
    which Python salts per process)."""
    digest = hashlib.sha256(f"{purpose}\x00{seed}\x00{text}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def validate_idea(idea: str) -> str:
    """The idea stripped; ``InvalidRequest`` naming ``prompt`` when there is nothing in it."""
    if not isinstance(idea, str) or not idea.strip():
        raise InvalidRequest("prompt: must not be empty", field="prompt")
    return idea.strip()


def _write(
    idea: Idea,
    seed: int,
    *,
    title: str | None,
    tags: str | None,
    instrumental: bool,
    fit: Fit | None,
) -> WrittenSong:
    rng = _rng(seed, idea.text, "lyrics")
    writer = write_chinese if idea.language == "zh" else write_english
    written_title, parts = writer(idea, rng, title, verse3=fit is not None and not instrumental)
    if tags is None:
        tags = compose_tags(
            idea.mood, idea.genre, idea.voice, idea.clusters, _rng(seed, idea.text, "tags")
        )
    if instrumental:
        lyrics = ""
    elif fit is None:
        lyrics = render(assemble(parts, FULL_FORM))
    else:
        lyrics = render(
            fit_parts(parts, fit.duration, fit.tags or tags, fit.negative_tags, fit.seeds)
        )
    return WrittenSong(
        title=written_title[:MAX_TITLE_CHARS],
        tags=tags,
        lyrics=lyrics,
        source="builtin",
        language=idea.language,
    )


def write_song(
    idea: str, *, seed: int, instrumental: bool = False, fit: Fit | None = None
) -> WrittenSong:
    """Write a title, style tags and structured lyrics for a one-line idea.

    Deterministic in (idea, seed, fit); pure and offline. Without ``fit`` the lyrics have
    the full form; with it, the longest form the engine sings whole in a song of
    ``fit.duration`` seconds in the style ``fit.tags`` (or the written tags). An
    instrumental gets a title and tags and empty lyrics. Raises ``InvalidRequest`` (field
    ``prompt``) for an empty idea.
    """
    text = validate_idea(idea)
    return _write(read_idea(text), seed, title=None, tags=None, instrumental=instrumental, fit=fit)


def lyrics_from_title(title: str, tags: str, *, seed: int, fit: Fit | None = None) -> WrittenSong:
    """Custom mode without a prompt: lyrics written from the title (and the tags' mood),
    sized to ``fit`` as :func:`write_song` does.

    The given title and tags are kept; an empty one is written. Raises ``InvalidRequest``
    (field ``title``) when both are empty.
    """
    title, tags = (title or "").strip(), (tags or "").strip()
    if not title and not tags:
        raise InvalidRequest("title: a title or tags are needed to write lyrics", field="title")
    idea = read_idea(f"{title} {tags}".strip())
    if title:
        # The title's own words are the themes; the tags only lend mood and genre.
        themes = read_idea(title).themes or idea.themes
        idea = Idea(
            idea.text, idea.language, themes, idea.clusters, idea.mood, idea.genre, idea.voice
        )
    return _write(idea, seed, title=title or None, tags=tags or None, instrumental=False, fit=fit)
