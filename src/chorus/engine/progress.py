"""Progress and results of a render, as the engine reports them to its caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderProgress:
    """``fraction`` of the whole render done (0..1), the ``stage`` running, and
    ``audio_seconds`` of song already playable in ``stream.mp3``."""

    fraction: float
    stage: str
    audio_seconds: float = 0.0


ProgressFn = Callable[[RenderProgress], None]


@dataclass(frozen=True, slots=True)
class RenderResult:
    """Where the files of one rendered clip are, and the summary written to
    ``summary.json`` (duration, tempo, key, sections, voice, seed, stage timings...)."""

    out_dir: Path
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def mp3(self) -> Path:
        return self.out_dir / "song.mp3"

    @property
    def cover(self) -> Path:
        return self.out_dir / "cover.jpg"

    @property
    def cover_small(self) -> Path:
        return self.out_dir / "cover_small.jpg"

    @property
    def video(self) -> Path:
        return self.out_dir / "video.mp4"

    @property
    def midi(self) -> Path:
        return self.out_dir / "song.mid"

    @property
    def lyrics(self) -> Path:
        return self.out_dir / "lyrics.json"

    @property
    def score(self) -> Path:
        return self.out_dir / "score.json"

    @property
    def stems_dir(self) -> Path:
        return self.out_dir / "stems"
