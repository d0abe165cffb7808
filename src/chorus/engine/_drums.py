"""The drum part: the genre's verse or chorus groove by section energy, fills into the
next section, crashes on arrivals, and a final hit on the last bar."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chorus.engine._bars import Bar, Jitter, velocity
from chorus.engine._genres import DrumPattern
from chorus.engine._timing import Grid
from chorus.engine.score import Note

KICK, CRASH = 36, 49
TOMS = (50, 48, 47, 45, 43)
HIT_S = 0.12


def _rows(pattern: DrumPattern, energy: float, bar: Bar) -> list[tuple[int, str]]:
    rows = [
        (36, pattern.kick),
        (pattern.snare_note, pattern.snare),
        (pattern.hat_note, pattern.hat),
        (46, pattern.open_hat),
    ]
    if energy < 0.35:
        # Quiet sections keep only the time: the hats (or a soft kick when there are none).
        rows = [r for r in rows if r[0] == pattern.hat_note] or rows[:1]
        if bar.kind == "Intro" and bar.position < bar.part_bars // 2:
            return []
    return [r for r in rows if r[1]]


def drum_notes(
    bars: Sequence[Bar],
    patterns: tuple[DrumPattern, DrumPattern],
    grid: Grid,
    *,
    steps: int,
    rng: np.random.Generator,
    end: float,
) -> list[Note]:
    """Drum hits for every bar (GM percussion keys), times in seconds."""
    notes: list[Note] = []
    jitter5 = Jitter(rng, 5)
    step_beats = grid.meter / steps
    for i, bar in enumerate(bars):
        bar_beat = bar.index * grid.meter
        energy = bar.energy
        if bar.final:
            t = grid.time(bar_beat)
            dur = max(0.1, min(2.0, end - t))
            notes.append(Note(t, dur, KICK, velocity(100 * bar.fade)))
            notes.append(Note(t, dur, CRASH, velocity(95 * bar.fade)))
            continue
        pattern = patterns[1] if energy >= 0.7 else patterns[0]
        base = (55 + 55 * energy) * bar.fade
        next_bar = bars[i + 1] if i + 1 < len(bars) else None
        fill_from = steps
        if bar.last and next_bar is not None and energy >= 0.45 and bar.part_bars >= 2:
            fill_from = steps - (steps // 2 if energy >= 0.75 else steps // grid.meter * 1)
        for note, row in _rows(pattern, energy, bar):
            for step, ch in enumerate(row[:fill_from]):
                if ch == ".":
                    continue
                accent = 1.0 if step % (steps // grid.meter) == 0 else 0.85
                level = base * accent * (0.55 if ch == "o" else 1.0)
                level += jitter5()
                t = grid.time(bar_beat + step * step_beats)
                notes.append(Note(t, HIT_S, note, velocity(level)))
        if fill_from < steps:
            span = steps - fill_from
            for k, step in enumerate(range(fill_from, steps)):
                if span > 4 and step % 2:
                    continue
                drum = TOMS[min(len(TOMS) - 1, k * len(TOMS) // span)] if span > 4 else 38
                level = base * (0.7 + 0.3 * k / span)
                t = grid.time(bar_beat + step * step_beats)
                notes.append(Note(t, HIT_S, drum, velocity(level)))
                if step == fill_from:
                    notes.append(Note(t, HIT_S, KICK, velocity(level)))
        if bar.first and energy >= 0.6 and bar.index > 0:
            t = grid.time(bar_beat)
            notes.append(Note(t, 1.5, CRASH, velocity(base * 0.9)))
    notes.sort(key=lambda n: (n.start, n.pitch))
    return notes
