"""One record per bar: where it is, what chord sounds, how much energy its section has."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chorus.engine._harmony import ChordSymbol


@dataclass(frozen=True, slots=True)
class Bar:
    """Bar ``index`` of the song, bar ``position`` of ``part_bars`` in part ``part``."""

    index: int
    part: int
    position: int
    part_bars: int
    kind: str
    energy: float
    chord: ChordSymbol
    voicing: tuple[int, ...]
    lead: bool
    sung: bool
    final: bool = False

    @property
    def first(self) -> bool:
        return self.position == 0

    @property
    def last(self) -> bool:
        return self.position == self.part_bars - 1

    @property
    def fade(self) -> float:
        """Velocity factor: the outro dies away toward the end."""
        if self.kind != "Outro" or self.part_bars < 2:
            return 1.0
        return 1.0 - 0.45 * self.position / (self.part_bars - 1)


class Jitter:
    """Small random offsets drawn in blocks: one generator call per block rather than per
    note keeps composing a song within a few tens of milliseconds."""

    def __init__(self, rng: np.random.Generator, spread: int) -> None:
        self._rng = rng
        self._spread = spread
        self._block: list[int] = []

    def __call__(self) -> float:
        if not self._block:
            self._block = self._rng.integers(-self._spread, self._spread + 1, 1024).tolist()
        return float(self._block.pop())


def velocity(value: float) -> int:
    return int(min(127, max(1, round(value))))
