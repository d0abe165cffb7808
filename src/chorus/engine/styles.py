"""From free-text style tags to the musical decisions of a song.

``resolve_style("upbeat synth pop, female vocals", "", seed)`` picks a genre preset (see
:data:`GENRES`), a mood that sets mode and energy, a tempo inside the genre's range, a key,
the chord progressions, drums and the General MIDI instrument of every role. Negative tags
take out what they name: an instrument family ("piano", "drums", "bass"), a genre or a mood.
Unknown tags fall back to pop. The choice is deterministic for (tags, negative tags, seed).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

import numpy as np

from chorus.engine._genres import GENRE_PRESETS, ROLES, DrumPattern, Genre, Role
from chorus.engine.score import Voice

#: Every genre preset by name.
GENRES: Mapping[str, Genre] = GENRE_PRESETS

DEFAULT_GENRE = "pop"


@dataclass(frozen=True, slots=True)
class Mood:
    """A mood word's effect: preferred ``mode`` (None keeps the genre's), an energy shift
    (-0.3..0.3) and a tempo factor."""

    name: str
    keywords: tuple[str, ...]
    mode: str | None
    energy: float
    tempo: float


MOODS: tuple[Mood, ...] = (
    Mood(
        "sad",
        ("sad", "sorrow", "heartbreak", "heartbroken", "悲伤", "伤感", "难过"),
        "minor",
        -0.15,
        0.9,
    ),
    Mood(
        "melancholic",
        (
            "melancholic",
            "melancholy",
            "emotional",
            "wistful",
            "nostalgic",
            "bittersweet",
            "忧郁",
            "怀旧",
        ),
        "minor",
        -0.1,
        0.95,
    ),
    Mood(
        "dark",
        ("dark", "sinister", "gothic", "ominous", "haunting", "黑暗", "暗黑"),
        "minor",
        0.0,
        1.0,
    ),
    Mood(
        "angry", ("angry", "aggressive", "rage", "furious", "intense", "愤怒"), "minor", 0.25, 1.08
    ),
    Mood(
        "epic", ("epic", "heroic", "anthem", "anthemic", "powerful", "宏大", "壮丽"), None, 0.2, 1.0
    ),
    Mood(
        "happy",
        ("happy", "joyful", "cheerful", "fun", "playful", "sunny", "快乐", "欢快", "开心"),
        "major",
        0.1,
        1.05,
    ),
    Mood(
        "upbeat",
        ("upbeat", "energetic", "uplifting", "driving", "party", "hopeful", "热血", "激情", "动感"),
        "major",
        0.2,
        1.08,
    ),
    Mood(
        "romantic",
        ("romantic", "love", "tender", "sweet", "sensual", "浪漫", "甜蜜"),
        "major",
        -0.1,
        0.95,
    ),
    Mood(
        "chill",
        (
            "chill",
            "relaxed",
            "relaxing",
            "calm",
            "mellow",
            "peaceful",
            "dreamy",
            "soft",
            "gentle",
            "放松",
            "安静",
            "轻柔",
        ),
        None,
        -0.2,
        0.92,
    ),
)

NEUTRAL_MOOD = Mood("neutral", (), None, 0.0, 1.0)

# General MIDI program ranges an instrument word names, for negative tags.
_FAMILIES: Mapping[str, tuple[range, ...]] = MappingProxyType(
    {
        "piano": (range(0, 8),),
        "keys": (range(0, 8), range(16, 24)),
        "organ": (range(16, 24),),
        "guitar": (range(24, 32),),
        "acoustic guitar": (range(24, 26),),
        "electric guitar": (range(26, 32),),
        "strings": (range(40, 52),),
        "violin": (range(40, 41), range(110, 111)),
        "choir": (range(52, 55),),
        "brass": (range(56, 64),),
        "trumpet": (range(56, 57),),
        "sax": (range(64, 68),),
        "saxophone": (range(64, 68),),
        "flute": (range(72, 80),),
        "synth": (range(80, 104),),
        "synths": (range(80, 104),),
        "bells": (range(8, 16),),
        "钢琴": (range(0, 8),),
        "吉他": (range(24, 32),),
        "弦乐": (range(40, 52),),
        "合成器": (range(80, 104),),
    }
)

# Replacement programs per role, tried in order when a negative tag bans the preset's own.
_FALLBACKS: Mapping[Role, tuple[int, ...]] = MappingProxyType(
    {
        "bass": (33, 38, 32, 43),
        "chords": (0, 25, 4, 48, 88, 16),
        "pad": (89, 48, 52, 19),
        "lead": (73, 27, 65, 80, 40, 11),
        "arp": (11, 46, 8, 24, 81),
    }
)

_ROLE_WORDS: Mapping[Role | str, tuple[str, ...]] = MappingProxyType(
    {
        "drums": ("drums", "drum", "percussion", "beat", "beats", "鼓", "打击乐"),
        "bass": ("bass", "bassline", "贝斯"),
        "pad": ("pad", "pads"),
        "lead": ("solo", "solos", "lead"),
        "arp": ("arp", "arpeggio", "arpeggios"),
    }
)

_FEMALE = ("female", "woman", "women", "girl", "soprano", "女声", "女歌手", "女")
_MALE = ("male", "man", "men", "boy", "baritone", "tenor", "男声", "男歌手", "男")


@dataclass(frozen=True, slots=True)
class Style:
    """A resolved style. ``tempo`` in BPM (of ``meter`` beats per bar), ``key`` the tonic
    pitch class, ``programs`` the GM program per role (a removed role is absent), ``drums``
    None when there are none, ``progressions`` Roman-numeral strings fitting ``mode``."""

    genre: str
    preset: Genre
    mood: str
    energy: float
    tempo: float
    meter: int
    swing: float
    swing_unit: float
    mode: str
    key: int
    progressions: tuple[str, ...]
    programs: Mapping[Role, int]
    levels: Mapping[Role, float]
    drums: tuple[DrumPattern, DrumPattern] | None
    voice: Voice | None
    ballad: bool = False


def stable_hash(*parts: object) -> int:
    """A 64-bit hash of ``parts`` that is the same in every process (unlike ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")


def _has(text: str, word: str) -> int:
    """Position of ``word`` in ``text`` as a whole word (CJK: as a substring), or -1."""
    if word.isascii():
        found = _word_pattern(word).search(text)
        return found.start() if found else -1
    return text.find(word)


def _genre_score(genre: Genre, text: str) -> float:
    best = 0.0
    for keyword in genre.keywords:
        pos = _has(text, keyword)
        if pos >= 0:
            # A longer keyword is more specific ("synth pop" beats "pop"); an earlier one
            # is what the tags lead with ("folk ballad" is folk).
            best = max(best, len(keyword) + 2.0 / (1.0 + pos))
    return best


def detect_voice(tags: str) -> Voice | None:
    """The voice the tags ask for ("female vocals", "女声"), or None."""
    text = tags.lower()
    female = min((p for w in _FEMALE if (p := _has(text, w)) >= 0), default=-1)
    male = min((p for w in _MALE if (p := _has(text, w)) >= 0), default=-1)
    if female >= 0 and (male < 0 or female <= male):
        return "female"
    return "male" if male >= 0 else None


def _choose_genre(text: str, negative: str, rng: np.random.Generator) -> Genre:
    named, allowed = _genres_named(text, negative)
    if named is not None:
        return GENRES[named]
    return GENRES[allowed[int(rng.integers(len(allowed)))]]


@lru_cache(maxsize=256)
def _genres_named(text: str, negative: str) -> tuple[str | None, tuple[str, ...]]:
    """The genre ``text`` names best and ``negative`` allows (else the default, when
    allowed), or None and the allowed genres to draw from. Kept per text: songs of one
    style (and the lyrics fitter's many plans) ask again and again."""
    banned = {g.name for g in GENRES.values() if _genre_score(g, negative) > 0}
    scores = {name: _genre_score(g, text) for name, g in GENRES.items() if name not in banned}
    best = max(scores.values(), default=0.0)
    if best > 0:
        return min(n for n, s in scores.items() if s == best), ()
    if DEFAULT_GENRE not in banned:
        return DEFAULT_GENRE, ()
    return None, tuple(sorted(scores))


@lru_cache(maxsize=256)
def _choose_mood(text: str, negative: str) -> Mood:
    found: list[tuple[int, Mood]] = []
    for mood in MOODS:
        if any(_has(negative, w) >= 0 for w in mood.keywords):
            continue
        positions = [p for w in mood.keywords if (p := _has(text, w)) >= 0]
        if positions:
            found.append((min(positions), mood))
    return min(found, key=lambda pm: pm[0])[1] if found else NEUTRAL_MOOD


def _banned_programs(negative: str) -> set[int]:
    banned: set[int] = set()
    for word, ranges in _FAMILIES.items():
        if _has(negative, word) >= 0:
            for r in ranges:
                banned.update(r)
    return banned


def _programs(genre: Genre, negative: str) -> dict[Role, int]:
    banned = _banned_programs(negative)
    programs: dict[Role, int] = {}
    for role in ROLES:
        if any(_has(negative, w) >= 0 for w in _ROLE_WORDS.get(role, ())):
            continue
        options = (genre.programs[role], *_FALLBACKS[role])
        program = next((p for p in options if p not in banned), None)
        if program is not None:
            programs[role] = program
    return programs


@lru_cache(maxsize=256)
def resolve_style(tags: str, negative_tags: str, seed: int) -> Style:
    """Resolve free-text ``tags`` (English or Chinese) into a :class:`Style`.

    ``negative_tags`` removes what it names; ``seed`` chooses among the preset's tempi,
    keys, modes and progressions. Never fails: unknown tags give pop. A style is
    immutable and the same arguments give the same one, so it is kept (the lyrics fitter
    asks for it at every tempo it tries).
    """
    text = tags.lower()
    negative = negative_tags.lower()
    rng = np.random.default_rng(stable_hash("style", text, negative, seed))
    genre = _choose_genre(text, negative, rng)
    mood = _choose_mood(text, negative)
    ballad = genre.name != "ballad" and any(_has(text, w) >= 0 for w in ("ballad", "抒情"))

    modes = genre.modes
    related = {"minor": "dorian", "major": "mixolydian"}
    if mood.mode in modes:
        mode = str(mood.mode)
    elif mood.mode is not None and related[mood.mode] in modes:
        mode = related[mood.mode]
    else:
        mode = modes[int(rng.integers(len(modes)))]

    low, high = genre.tempo
    position = float(np.clip(rng.beta(2.0, 2.0) + mood.energy, 0.0, 1.0))
    tempo = (low + (high - low) * position) * mood.tempo * (0.85 if ballad else 1.0)
    tempo = float(np.clip(round(tempo), 50, 320 if genre.meter == 6 else 200))
    energy = float(np.clip(genre.energy + mood.energy - (0.15 if ballad else 0.0), 0.1, 1.0))

    # Major-ish modes borrow the major progressions, minor-ish the minor ones.
    pool = genre.major if mode in ("major", "mixolydian") else genre.minor
    order = rng.permutation(len(pool))
    progressions = tuple(pool[int(i)] for i in order)

    drums: tuple[DrumPattern, DrumPattern] | None = None
    removed_drums = any(_has(negative, w) >= 0 for w in _ROLE_WORDS["drums"])
    if genre.verse_drums is not None and genre.chorus_drums is not None and not removed_drums:
        drums = (genre.verse_drums, genre.chorus_drums)

    return Style(
        genre=genre.name,
        preset=genre,
        mood=mood.name,
        energy=energy,
        tempo=tempo,
        meter=genre.meter,
        swing=genre.swing,
        swing_unit=genre.swing_unit,
        mode=mode,
        key=int(rng.integers(12)),
        progressions=progressions,
        programs=MappingProxyType(_programs(genre, negative)),
        levels=genre.levels,
        drums=drums,
        voice=detect_voice(tags),
        ballad=ballad,
    )


def style_for_genre(genre: str, mood: str, seed: int) -> Style:
    """The style of an existing score's ``genre`` and ``mood`` (for continuations)."""
    name = genre if genre in GENRES else DEFAULT_GENRE
    return resolve_style(f"{name} {mood if mood != NEUTRAL_MOOD.name else ''}", "", seed)
