"""The band parts besides drums: bass, comp (chords), pad, arpeggio and lead.

Section energy decides how busy each part is: quiet sections hold chords and roots, loud
ones play the genre's rhythm, add pad and arpeggios. The final bar is one held tonic chord.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from chorus.engine._bars import Bar, Jitter, velocity
from chorus.engine._genres import Genre
from chorus.engine._harmony import scale_pitch_classes
from chorus.engine._melody import Harmony, phrase_pitches, phrase_rhythm
from chorus.engine._timing import Grid
from chorus.engine.score import Note

LEAD_RANGE = (60, 84)
PAD_GENRES = ("ambient", "cinematic", "classical", "lofi", "ballad")


def _hits(row: str) -> list[tuple[int, str]]:
    return [(i, ch) for i, ch in enumerate(row) if ch != "."]


def _bar_end(bar: Bar, grid: Grid, end: float) -> float:
    return end if bar.final else grid.time((bar.index + 1) * grid.meter)


def bass_notes(
    bars: Sequence[Bar], genre: Genre, grid: Grid, *, key: int, rng: np.random.Generator, end: float
) -> list[Note]:
    notes: list[Note] = []
    jitter4 = Jitter(rng, 4)
    steps = genre.steps
    step_beats = grid.meter / steps
    for i, bar in enumerate(bars):
        root = (key + bar.chord.degree) % 12
        low = 33 + (root - 33) % 12
        row = genre.bass if bar.energy >= 0.4 and not bar.final else "x" + "." * (steps - 1)
        hits = _hits(row)
        nxt = bars[i + 1] if i + 1 < len(bars) else bar
        next_low = 33 + ((key + nxt.chord.degree) % 12 - 33) % 12
        for k, (step, ch) in enumerate(hits):
            pitch = {"x": low, "o": low + 12, "5": low + 7}.get(ch, next_low - 1)
            t0 = grid.time(bar.index * grid.meter + step * step_beats)
            stop = hits[k + 1][0] if k + 1 < len(hits) else steps
            t1 = (
                grid.time(bar.index * grid.meter + stop * step_beats)
                if k + 1 < len(hits)
                else _bar_end(bar, grid, end)
            )
            length = (t1 - t0) * (0.92 if k + 1 < len(hits) else 0.98)
            level = (70 + 40 * bar.energy + jitter4()) * bar.fade
            notes.append(Note(t0, max(0.05, length), pitch, velocity(level)))
    return notes


def comp_notes(
    bars: Sequence[Bar], genre: Genre, grid: Grid, rng: np.random.Generator, end: float
) -> list[Note]:
    notes: list[Note] = []
    jitter4 = Jitter(rng, 4)
    jitter5 = Jitter(rng, 5)
    steps = genre.steps
    step_beats = grid.meter / steps
    for bar in bars:
        voicing = bar.voicing
        bar_beat = bar.index * grid.meter
        level = (48 + 45 * bar.energy) * bar.fade
        if bar.final or bar.energy < 0.4:
            t0 = grid.time(bar_beat)
            t1 = _bar_end(bar, grid, end)
            notes.extend(Note(t0, t1 - t0, p, velocity(level * 0.9)) for p in voicing)
            continue
        if genre.comp_mode == "arp":
            unit = 0.5 if bar.energy >= 0.5 else 1.0
            tones = [*voicing, voicing[0] + 12, *(p + 12 for p in voicing[1:2])]
            order = tones + tones[-2:0:-1]
            count = round(grid.meter / unit)
            for k in range(count):
                t0 = grid.time(bar_beat + k * unit)
                t1 = grid.time(bar_beat + (k + 1) * unit)
                notes.append(
                    Note(
                        t0,
                        (t1 - t0) * 1.6,
                        order[k % len(order)],
                        velocity(level + jitter5()),
                    )
                )
            continue
        hits = _hits(genre.comp)
        for k, (step, ch) in enumerate(hits):
            t0 = grid.time(bar_beat + step * step_beats)
            if ch == "s":
                length = 0.45 * step_beats * 2 * grid.beat_s
            elif k + 1 < len(hits):
                length = grid.time(bar_beat + hits[k + 1][0] * step_beats) - t0
            else:
                length = _bar_end(bar, grid, end) - t0
            accent = 1.0 if step % (steps // grid.meter) == 0 else 0.85
            order = list(voicing) if (step // 2) % 2 == 0 else list(reversed(voicing))
            for j, pitch in enumerate(order):
                # A strum sweeps the strings: each a few milliseconds after the last.
                offset = 0.012 * j if genre.comp_mode == "strum" else 0.0
                notes.append(
                    Note(
                        t0 + offset,
                        max(0.05, length * 0.95 - offset),
                        pitch,
                        velocity(level * accent + jitter4()),
                    )
                )
    return notes


def pad_notes(bars: Sequence[Bar], genre: Genre, grid: Grid, end: float) -> list[Note]:
    notes: list[Note] = []
    for bar in bars:
        if not (bar.energy >= 0.6 or genre.name in PAD_GENRES or bar.final):
            continue
        t0 = grid.time(bar.index * grid.meter)
        t1 = _bar_end(bar, grid, end)
        level = (40 + 35 * bar.energy) * bar.fade
        low = [p - 12 if p - 12 >= 45 else p for p in bar.voicing]
        notes.extend(Note(t0, t1 - t0, p, velocity(level)) for p in sorted(set(low)))
    return notes


def arp_notes(bars: Sequence[Bar], grid: Grid, rng: np.random.Generator) -> list[Note]:
    notes: list[Note] = []
    jitter4 = Jitter(rng, 4)
    unit = 0.25 if grid.tempo <= 110 else 0.5
    for bar in bars:
        if bar.energy < 0.75 or bar.final:
            continue
        tones = [p + 12 for p in bar.voicing] + [p + 24 for p in bar.voicing[:2]]
        count = round(grid.meter / unit)
        for k in range(count):
            t0 = grid.time(bar.index * grid.meter + k * unit)
            t1 = grid.time(bar.index * grid.meter + (k + 1) * unit)
            level = 52 + 20 * bar.energy + (10 if k % 4 == 0 else 0) + jitter4()
            notes.append(
                Note(t0, (t1 - t0) * 0.9, tones[k % len(tones)], velocity(level * bar.fade))
            )
    return notes


def lead_notes(
    bars: Sequence[Bar],
    *,
    key: int,
    mode: str,
    genre: Genre,
    grid: Grid,
    harmony_of: Callable[[Bar], Harmony],
    rng_for: Callable[..., np.random.Generator],
    end: float,
) -> list[Note]:
    """Melodies of solos and instrumental themes, phrase by phrase (two bars each); a
    theme of the same kind repeats, since its random choices are seeded by kind."""
    notes: list[Note] = []
    scale_pitch_classes(key, mode, genre.pentatonic)
    low, high = LEAD_RANGE
    tonic = low + (key - low) % 12
    i = 0
    while i < len(bars):
        bar = bars[i]
        if bar.final and genre.name != "ambient" and any(b.lead for b in bars):
            t0 = grid.time(bar.index * grid.meter)
            notes.append(
                Note(
                    t0,
                    end - t0,
                    tonic + 12 if tonic + 12 <= high else tonic,
                    velocity(80 * bar.fade),
                )
            )
        if not bar.lead or bar.final:
            i += 1
            continue
        room = bar.position + 1 < bar.part_bars and i + 1 < len(bars) and not bars[i + 1].final
        span = 2 if room else 1
        rng = rng_for("lead", bar.kind, bar.position)
        slot = 0.5 if grid.shortest(0.5) >= 0.12 else 1.0
        slots = round(span * grid.meter / slot)
        solo = bar.kind == "Solo"
        count = int(rng.integers(slots // 3, max(slots // 3 + 1, slots * (3 if solo else 2) // 4)))
        count = max(2, min(count, slots - 1))
        rhythm = phrase_rhythm(rng, count, slots, 1, beat_slots=max(1, round(1 / slot)))
        beats = [k * slot for k in rhythm.onsets]
        harmonies = [harmony_of(bars[i + int(b // grid.meter)]) for b in beats]
        pitches = phrase_pitches(
            rng,
            [b % grid.meter for b in beats],
            harmonies,
            meter=grid.meter,
            low=low,
            high=high,
            center=tonic + 7,
            amplitude=6.0 if solo else 4.0,
        )
        level = (70 + 30 * bar.energy) * bar.fade
        origin = bar.index * grid.meter
        for b, length, pitch in zip(beats, rhythm.lengths, pitches, strict=True):
            t0 = grid.time(origin + b)
            t1 = grid.time(origin + b + length * slot)
            notes.append(
                Note(t0, (t1 - t0) * 0.95, pitch, velocity(level + float(rng.integers(-6, 7))))
            )
        i += span
    return notes
