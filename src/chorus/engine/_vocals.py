"""The sung line: one note per syllable, phrase by phrase, inside each section."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from chorus.engine._bars import Bar
from chorus.engine._form import Part
from chorus.engine._melody import (
    MAX_HELD_S,
    MIN_SYLLABLE_S,
    PLAIN_SYLLABLE_S,
    Harmony,
    phrase_pitches,
    phrase_rhythm,
    rest_slots,
    slot_beats,
)
from chorus.engine._timing import Grid, is_strong
from chorus.engine.score import SungNote, Voice

# Where each kind of section sits relative to the middle of the voice, in semitones.
_LIFT = {"Verse": -2, "Pre-Chorus": 0, "Chorus": 2, "Hook": 2, "Bridge": 1}
_CHORUS_KINDS = ("Chorus", "Hook")
# Slots longer than this (seconds) are split in two for syllables, when the halves are
# at least _FINE_SYLLABLE_S long: on the finer grid a line is sung compactly, near speech
# rate, with short unstressed syllables and word ends given room, where long even eighths
# (0.25-0.33 s at 90-120 bpm) drag every word out. Measured on the recognizer: 56 -> 68 %
# of the words of songs outside the intelligibility bench.
_SLOW_SLOT_S = 0.25
_FINE_SYLLABLE_S = 0.13
# A gap shorter than this after a word is sung through (the voice glides over it).
_LEGATO_REST_S = 0.12


@dataclass(frozen=True, slots=True)
class VoiceRange:
    """Comfortable written range of a voice, MIDI numbers."""

    low: int
    high: int

    @classmethod
    def of(cls, voice: Voice) -> VoiceRange:
        # Where most pop vocal lines sit (F3-Bb4, A2-D4): higher, the voice's few
        # harmonics no longer outline the vowels and words blur.
        return cls(53, 70) if voice == "female" else cls(45, 62)


def _syllable_slot(grid: Grid, slot: float, rap: bool) -> float:
    """The grid syllables are placed on: the form's slot, halved in slow songs so words
    are sung near speech rate (sixteenths in a ballad) rather than drawn out."""
    if rap or grid.meter not in (3, 4):
        return slot
    fine = slot / 2
    if slot * grid.beat_s > _SLOW_SLOT_S and grid.shortest(fine) >= _FINE_SYLLABLE_S:
        return fine
    return slot


def sing_parts(
    parts: Sequence[Part],
    bars: Sequence[Bar],
    grid: Grid,
    *,
    key: int,
    voice: VoiceRange,
    harmony_of: Callable[[Bar], Harmony],
    rng_for: Callable[..., np.random.Generator],
    rap: bool = False,
) -> list[SungNote]:
    """Sung notes for every phrase of every part, in time order."""
    slot = _syllable_slot(grid, slot_beats(grid), rap)
    rest = rest_slots(grid, slot)
    max_base = max(1, math.floor(PLAIN_SYLLABLE_S / (slot * grid.beat_s) + 1e-9))
    held = max(MAX_HELD_S, MIN_SYLLABLE_S)
    middle = (voice.low + voice.high) / 2 - 1
    tonic = min(
        range(voice.low, voice.high + 1), key=lambda p: (p % 12 != key % 12, abs(p - middle))
    )
    last_sung = max((i for i, p in enumerate(parts) if p.phrases), default=-1)
    notes: list[SungNote] = []
    word_index = 0
    line_index = -1
    last_line: object = None
    bar0 = 0
    for index, part in enumerate(parts):
        center = float(min(voice.high - 4, max(voice.low + 4, tonic + _LIFT.get(part.kind, 0))))
        previous: int | None = None
        slots = round(part.phrase_bars * grid.meter / slot)
        for j, phrase in enumerate(part.phrases):
            first_bar = bar0 + j * part.phrase_bars
            phrase_bars = bars[first_bar : first_bar + part.phrase_bars]
            signature = tuple((b.chord.degree, b.chord.quality) for b in phrase_bars)
            rng = rng_for("vocal", part.kind, j, phrase.syllables, signature)
            dense = rap and phrase.syllables > 0.6 * (slots - rest)
            ends = [
                s + 1 == len(w.syllables) for w in phrase.words for s in range(len(w.syllables))
            ]
            rhythm = phrase_rhythm(
                rng,
                phrase.syllables,
                slots,
                rest,
                dense=dense,
                beat_slots=max(1, round(1 / slot)),
                max_base=max_base,
                holds=ends,
            )
            beats = [o * slot for o in rhythm.onsets]
            harmonies = [harmony_of(phrase_bars[int(b // grid.meter)]) for b in beats]
            closing = j == len(part.phrases) - 1 and (
                part.kind in _CHORUS_KINDS or index == last_sung
            )
            pitches = phrase_pitches(
                rng,
                [b % grid.meter for b in beats],
                harmonies,
                meter=grid.meter,
                low=voice.low,
                high=voice.high,
                center=center,
                start=previous,
                final=key % 12 if closing else None,
                amplitude=1.5 if rap else 4.0,
                repeat_bias=3.0 if rap else 1.0,
            )
            previous = pitches[-1]
            if phrase.line is not last_line:
                line_index += 1
                last_line = phrase.line
            origin = first_bar * grid.meter
            times = [grid.time(origin + b) for b in beats]
            stop = grid.time(origin + beats[-1] + rhythm.lengths[-1] * slot)
            k = 0
            for word in phrase.words:
                for s, syllable in enumerate(word.syllables):
                    t0 = times[k]
                    t1 = times[k + 1] if k + 1 < len(times) else stop
                    if k + 1 < len(times) and ends[k] and t1 - t0 > held + _LEGATO_REST_S:
                        # A word end inside the line: sing it near speech rate, then rest.
                        t1 = t0 + held
                    strong = is_strong(beats[k] % grid.meter, grid.meter)
                    notes.append(
                        SungNote(
                            start=t0,
                            duration=t1 - t0,
                            pitch=pitches[k],
                            text=syllable.text,
                            word=word.text,
                            phonetic=syllable.phonetic,
                            word_index=word_index,
                            syllable_index=s,
                            syllable_count=len(word.syllables),
                            line_index=line_index,
                            section_index=index,
                            language=word.language,
                            velocity=106 if strong else 98,
                        )
                    )
                    k += 1
                word_index += 1
        bar0 += part.bars
    return notes
