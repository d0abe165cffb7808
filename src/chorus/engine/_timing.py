"""Beats to seconds, with swing."""

from __future__ import annotations

import math
from dataclasses import dataclass

STRONG_BEATS: dict[int, tuple[int, ...]] = {4: (0, 2), 3: (0,), 6: (0, 3)}


@dataclass(frozen=True, slots=True)
class Grid:
    """The song's clock. ``tempo`` in beats per minute, ``meter`` beats per bar; ``swing``
    0..1 delays every second ``swing_unit`` (in beats) by up to a third of it, so 1 is a
    triplet feel. Times of grid points are baked into the notes, so every later stage
    hears the same groove without knowing about swing."""

    tempo: float
    meter: int
    swing: float = 0.0
    swing_unit: float = 0.5

    @property
    def beat_s(self) -> float:
        return 60.0 / self.tempo

    @property
    def bar_s(self) -> float:
        return self.beat_s * self.meter

    def time(self, beat: float) -> float:
        """Seconds at ``beat`` beats from the song's start."""
        if self.swing <= 0.0:
            return beat * self.beat_s
        cell = 2.0 * self.swing_unit
        whole = math.floor(beat / cell + 1e-9)
        frac = beat - whole * cell
        unit = self.swing_unit
        delay = self.swing * unit / 3.0
        # Piecewise linear inside each pair of units, so times stay monotonic.
        if frac < unit:
            shifted = frac * (unit + delay) / unit
        else:
            shifted = unit + delay + (frac - unit) * (unit - delay) / unit
        return (whole * cell + shifted) * self.beat_s

    def shortest(self, length: float) -> float:
        """Seconds of the shortest note of ``length`` beats placed on this grid."""
        if self.swing <= 0.0 or length >= 2.0 * self.swing_unit - 1e-9:
            return length * self.beat_s
        unit = self.swing_unit
        squeeze = (unit - self.swing * unit / 3.0) / unit
        return length * squeeze * self.beat_s


def is_strong(beat_in_bar: float, meter: int) -> bool:
    """A note starting here must be a chord tone (a strong beat of the bar)."""
    nearest = round(beat_in_bar)
    return abs(beat_in_bar - nearest) < 1e-6 and nearest in STRONG_BEATS.get(meter, (0,))
