"""The score: everything the engine decided about a song, before any sound exists.

A score is plain data (times in seconds, pitches as MIDI numbers) so that it can be
serialized to ``score.json``, exported to MIDI, continued by an extend request, and
rendered section by section. Every later stage reads the score; none of them changes it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

Stem = Literal["vocals", "drums", "bass", "other"]
Voice = Literal["male", "female"]
Language = Literal["en", "zh"]


@dataclass(frozen=True, slots=True)
class Note:
    """One played note. ``start``/``duration`` in seconds, ``pitch`` a MIDI number."""

    start: float
    duration: float
    pitch: int
    velocity: int = 96

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class SungNote:
    """One sung syllable on one note.

    ``text`` is the syllable as written (``"beau"``, ``"你"``); ``phonetic`` is what the voice
    pronounces (the whole English word for every syllable of that word, or the pinyin of a
    Chinese character). ``word_index`` counts sung words across the whole song, so the notes
    of one word share it; ``syllable_index``/``syllable_count`` place the note in its word.
    """

    start: float
    duration: float
    pitch: int
    text: str
    word: str
    phonetic: str
    word_index: int
    syllable_index: int
    syllable_count: int
    line_index: int
    section_index: int
    language: Language = "en"
    velocity: int = 100

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class Chord:
    """A chord held from ``start`` for ``duration`` seconds.

    ``root`` is a pitch class (0 = C); ``pitches`` are the MIDI notes of its voicing.
    """

    start: float
    duration: float
    root: int
    quality: str
    pitches: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the song: ``kind`` is ``Intro``, ``Verse``, ``Chorus``... and ``label``
    the marker as written (``Verse 2``). ``lines`` are its lyric lines (empty when not sung)."""

    kind: str
    label: str
    start: float
    end: float
    bars: int
    lines: tuple[str, ...] = ()
    energy: float = 0.5

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Track:
    """One instrument part. ``program`` is a General MIDI program (0-127); drum tracks
    play on the percussion channel. ``gain`` is linear, ``pan`` from -1 (left) to 1."""

    name: str
    stem: Stem
    program: int
    notes: tuple[Note, ...]
    is_drum: bool = False
    gain: float = 1.0
    pan: float = 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """A whole song, decided. ``key`` is the tonic pitch class, ``meter`` beats per bar."""

    title: str
    tags: str
    genre: str
    mood: str
    seed: int
    tempo: float
    meter: int
    swing: float
    key: int
    mode: str
    duration: float
    voice: Voice | None
    language: Language
    sections: tuple[Section, ...]
    chords: tuple[Chord, ...]
    tracks: tuple[Track, ...]
    vocal: tuple[SungNote, ...] = ()
    # Seconds of an earlier clip this song continues from (0 when it is not an extension).
    continued_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def beat_seconds(self) -> float:
        return 60.0 / self.tempo

    @property
    def bar_seconds(self) -> float:
        return self.beat_seconds * self.meter

    def to_dict(self) -> dict[str, Any]:
        """The score as plain data (what ``dataclasses.asdict`` gives, built directly:
        a song holds thousands of notes)."""
        data = _row(self)
        data["sections"] = [_row(section) for section in self.sections]
        data["chords"] = [_row(chord) for chord in self.chords]
        data["tracks"] = [{**_row(t), "notes": [_row(n) for n in t.notes]} for t in self.tracks]
        data["vocal"] = [_row(note) for note in self.vocal]
        data["extra"] = copy.deepcopy(self.extra)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        return cls(
            title=data["title"],
            tags=data["tags"],
            genre=data["genre"],
            mood=data["mood"],
            seed=int(data["seed"]),
            tempo=float(data["tempo"]),
            meter=int(data["meter"]),
            swing=float(data["swing"]),
            key=int(data["key"]),
            mode=data["mode"],
            duration=float(data["duration"]),
            voice=data["voice"],
            language=data["language"],
            sections=tuple(Section(**{**s, "lines": tuple(s["lines"])}) for s in data["sections"]),
            chords=tuple(Chord(**{**c, "pitches": tuple(c["pitches"])}) for c in data["chords"]),
            tracks=tuple(
                Track(**{**t, "notes": tuple(Note(**n) for n in t["notes"])})
                for t in data["tracks"]
            ),
            vocal=tuple(SungNote(**n) for n in data["vocal"]),
            continued_at=float(data.get("continued_at", 0.0)),
            extra=dict(data.get("extra", {})),
        )

    @classmethod
    def load(cls, path: Path) -> Score:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


_FIELDS: dict[type, tuple[str, ...]] = {}


def _row(item: object) -> dict[str, Any]:
    """A dataclass's fields by name (nested values as they are)."""
    names = _FIELDS.get(type(item))
    if names is None:
        names = _FIELDS[type(item)] = tuple(f.name for f in fields(item))  # type: ignore[arg-type]
    return {name: getattr(item, name) for name in names}
