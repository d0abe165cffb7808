"""Scales, Roman-numeral chords and their voicings."""

from __future__ import annotations

import re
from dataclasses import dataclass

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
}

# Interval sets of the chord qualities, and the pitch-class offsets a melody may sit on
# at a strong beat (the triad or its suspension, not the colour tones).
_QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "add9": (0, 4, 7, 14),
    "6": (0, 4, 7, 9),
}

_NUMERALS = {"i": 0, "ii": 2, "iii": 4, "iv": 5, "v": 7, "vi": 9, "vii": 11}
_ROMAN = re.compile(r"^([b#]?)(vii|iii|ii|iv|vi|v|i)(.*)$", re.IGNORECASE)

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True, slots=True)
class ChordSymbol:
    """A chord relative to the key: ``degree`` semitones above the tonic."""

    degree: int
    quality: str

    def intervals(self) -> tuple[int, ...]:
        return _QUALITIES[self.quality]

    def triad(self) -> tuple[int, ...]:
        return tuple(i % 12 for i in _QUALITIES[self.quality][:3])


def parse_roman(symbol: str) -> ChordSymbol:
    """``"bVImaj7"`` -> degree 8, quality ``maj7``. Upper case is major, lower minor."""
    found = _ROMAN.match(symbol.strip())
    if found is None:
        raise ValueError(f"not a Roman-numeral chord: {symbol!r}")
    accidental, numeral, suffix = found.groups()
    degree = _NUMERALS[numeral.lower()] + {"b": -1, "#": 1, "": 0}[accidental]
    minor = numeral.islower()
    suffix = suffix.strip()
    if suffix == "":
        quality = "min" if minor else "maj"
    elif suffix == "7":
        quality = "m7" if minor else "7"
    elif suffix in _QUALITIES:
        quality = suffix
    else:
        raise ValueError(f"unknown chord quality in {symbol!r}")
    return ChordSymbol(degree % 12, quality)


def progression(text: str) -> tuple[ChordSymbol, ...]:
    """Parse a space-separated Roman-numeral progression (one chord per bar)."""
    return tuple(parse_roman(s) for s in text.split())


def tonic_chord(mode: str) -> ChordSymbol:
    return ChordSymbol(0, "maj" if MODES[mode][2] == 4 else "min")


def scale_pitch_classes(key: int, mode: str, pentatonic: bool = False) -> frozenset[int]:
    steps = MODES[mode]
    if pentatonic:
        # No semitones: the five-note scale of folk and Chinese melodies.
        steps = (0, 2, 4, 7, 9) if steps[2] == 4 else (0, 3, 5, 7, 10)
    return frozenset((key + s) % 12 for s in steps)


def chord_pitch_classes(key: int, chord: ChordSymbol) -> frozenset[int]:
    return frozenset((key + chord.degree + i) % 12 for i in chord.intervals())


def voice_chord(
    key: int, chord: ChordSymbol, previous: tuple[int, ...] | None, low: int = 52, high: int = 76
) -> tuple[int, ...]:
    """A close voicing of ``chord`` between ``low`` and ``high`` (MIDI), with the smallest
    move from the ``previous`` voicing so the comp part does not jump around."""
    root = (key + chord.degree) % 12
    pcs = [(root + i) % 12 for i in chord.intervals()]
    candidates: list[tuple[int, ...]] = []
    for inversion in range(len(pcs)):
        order = pcs[inversion:] + pcs[:inversion]
        for base in range(low, low + 12):
            if base % 12 != order[0]:
                continue
            notes = [base]
            for pc in order[1:]:
                nxt = notes[-1] + 1
                while nxt % 12 != pc:
                    nxt += 1
                notes.append(nxt)
            if notes[-1] <= high:
                candidates.append(tuple(notes))
    if not candidates:
        candidates = [tuple(sorted(low + ((pc - low) % 12) for pc in pcs))]
    target = sum(previous) / len(previous) if previous else (low + high) / 2 - 4
    return min(candidates, key=lambda v: (abs(sum(v) / len(v) - target), v))


def chord_name(key: int, chord: ChordSymbol) -> str:
    root = NOTE_NAMES[(key + chord.degree) % 12]
    suffix = {"maj": "", "min": "m"}.get(chord.quality, chord.quality)
    return root + suffix
