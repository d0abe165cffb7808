"""Melodies: rhythms that carry one syllable per note, and pitches that fit the chords.

A phrase is placed on a grid of slots (eighths, or quarters when eighths would be too short
to sing), always leaving a rest at its end for breath. Pitches walk mostly stepwise along
a contour, land on chord tones at strong beats and at phrase ends, and stay in range.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from chorus.engine._timing import Grid, is_strong

#: Shortest syllable on the plain grid (eighths, else quarters), seconds.
MIN_SYLLABLE_S = 0.18
#: Breath between lines, seconds (a little above the 0.15 s the voice needs).
BREATH_S = 0.3
#: Longest syllable inside a line, seconds. Words stay near speech rate (a syllable is
#: 0.2-0.25 s spoken) so they are understood; extra time becomes a rest, and only the
#: last note of a line is held long, as songwriters do.
MAX_HELD_S = 0.3
#: Plain syllable length inside a line, seconds (longer only on the grid's own slot).
PLAIN_SYLLABLE_S = 0.3

# Relative likelihood of a melodic interval of 0..12 semitones: steps first.
_INTERVAL_WEIGHT = np.array(
    [0.5, 1.0, 1.0, 0.35, 0.3, 0.12, 0.02, 0.06, 0.015, 0.01, 0.004, 0.002, 0.01]
)


def slot_beats(grid: Grid) -> float:
    """The rhythmic unit of sung syllables, in beats: an eighth when that is singable."""
    if grid.meter == 6:
        return 1.0 if grid.shortest(1.0) >= MIN_SYLLABLE_S else 2.0
    return 0.5 if grid.shortest(0.5) >= MIN_SYLLABLE_S else 1.0


def rest_slots(grid: Grid, slot: float) -> int:
    return max(1, math.ceil(BREATH_S / (slot * grid.beat_s) - 1e-9))


def capacity(grid: Grid, bars: int, slot: float) -> int:
    """How many syllables fit in a phrase of ``bars`` bars (one per slot, minus breath)."""
    return round(bars * grid.meter / slot) - rest_slots(grid, slot)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """Onsets and lengths of a phrase's notes, in slots from the phrase start."""

    onsets: tuple[int, ...]
    lengths: tuple[int, ...]


def phrase_rhythm(
    rng: np.random.Generator,
    count: int,
    slots: int,
    rest: int,
    *,
    dense: bool = False,
    beat_slots: int = 1,
    max_base: int = 2,
    holds: Sequence[bool] | None = None,
) -> Rhythm:
    """Place ``count`` notes in ``slots`` slots keeping ``rest`` free at the end.

    ``beat_slots`` slots make a beat: a late start waits a whole beat, so the phrase keeps
    its notes on the beats rather than drifting onto off-beats. ``max_base`` caps the
    plain note length in slots; ``holds`` marks the notes that may be given more room
    (word ends: the gap after them is sung as a rest, never inside a word).
    """
    avail = slots - rest
    if count <= 0:
        return Rhythm((), ())
    if count > avail:
        raise ValueError("phrase does not fit")
    start = 0
    if avail - count >= 2 * beat_slots + 2 and rng.random() < 0.3:
        start = beat_slots
    avail -= start
    base = 1 if dense else max(1, min(2, max_base, avail // count))
    lengths = [base] * count
    spare = avail - base * count
    if spare > 0:
        final = min(spare, int(rng.integers(1, 5)))
        lengths[-1] += final
        spare -= final
    # Lengthen a few word ends (dotted rhythms); most of the spare stays a rest after the
    # line: a line sung compactly, near speech rate, is understood far better than one
    # spread out with held or detached words.
    budget = int(spare * rng.uniform(0.0, 0.15))
    for _ in range(4 * count):
        if budget <= 0 or count < 2:
            break
        i = int(rng.integers(count - 1))
        if lengths[i] < 3 and (holds is None or holds[i]):
            lengths[i] += 1
            budget -= 1
    onsets = []
    t = start
    for length in lengths:
        onsets.append(t)
        t += length
    return Rhythm(tuple(onsets), tuple(lengths))


@dataclass(frozen=True, slots=True)
class Harmony:
    """What a note may be: the chord's ``tones`` at strong beats, ``passing`` elsewhere."""

    tones: frozenset[int]
    passing: frozenset[int]


def harmony_for(chord_pcs: frozenset[int], triad: frozenset[int], scale: frozenset[int]) -> Harmony:
    # A scale note a semitone above a chord tone clashes when sustained; leave it out.
    passing = (
        frozenset(pc for pc in scale if pc in chord_pcs or (pc - 1) % 12 not in chord_pcs) | triad
    )
    return Harmony(triad, passing)


def phrase_pitches(
    rng: np.random.Generator,
    beats_in_bar: Sequence[float],
    harmonies: Sequence[Harmony],
    *,
    meter: int,
    low: int,
    high: int,
    center: float,
    start: int | None = None,
    final: int | None = None,
    amplitude: float = 4.0,
    repeat_bias: float = 1.0,
) -> list[int]:
    """Pitches for a phrase. ``beats_in_bar`` place each note in its bar (strong beats get
    chord tones, as does the last note); ``final`` (a pitch class) ends the phrase on it
    when the chord allows; ``center``/``amplitude`` shape the contour in semitones."""
    count = len(beats_in_bar)
    pitches: list[int] = []
    shape = int(rng.integers(4))
    prev = float(start) if start is not None else center
    weights = _INTERVAL_WEIGHT.copy()
    weights[0] *= repeat_bias
    for i in range(count):
        x = i / max(1, count - 1)
        if shape == 0:
            target = center + amplitude * math.sin(math.pi * x) - amplitude / 3
        elif shape == 1:
            target = center + amplitude * (0.6 - x)
        elif shape == 2:
            target = center + amplitude * (x - 0.4) * 0.8
        else:
            target = center + amplitude * 0.5 * math.sin(2 * math.pi * x)
        harmony = harmonies[i]
        last = i == count - 1
        allowed = harmony.tones if last or is_strong(beats_in_bar[i], meter) else harmony.passing
        if last and final is not None and final in harmony.tones:
            allowed = frozenset({final})
        cands = np.array([p for p in range(low, high + 1) if p % 12 in allowed])
        if cands.size == 0:
            cands = np.arange(low, high + 1)
        dist = np.minimum(np.abs(cands - prev), 12).astype(int)
        w = weights[dist] * np.exp(-(((cands - target) / 6.0) ** 2))
        if len(pitches) >= 2 and abs(pitches[-1] - pitches[-2]) > 4:
            # After a leap, step back the other way.
            back = np.sign(pitches[-2] - pitches[-1])
            w = w * np.where(np.sign(cands - prev) == back, 2.0, 0.6)
        total = w.sum()
        if not np.isfinite(total) or total <= 0:
            choice = int(cands[np.argmin(np.abs(cands - prev))])
        else:
            choice = int(rng.choice(cands, p=w / total))
        pitches.append(choice)
        prev = float(choice)
    return pitches
