"""Progress bars, one per clip, drawn on stderr so stdout carries only the results."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)


class ClipBars:
    """``clips`` bars labelled "clip 1", "clip 2"..., each 0..100 with a stage note."""

    def __init__(self, clips: int, *, quiet: bool = False) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=quiet,
        )
        self._bars: list[TaskID] = [
            self._progress.add_task(f"clip {n}", total=100, note="waiting")
            for n in range(1, clips + 1)
        ]

    def update(self, index: int, percent: float, note: str) -> None:
        """Move bar ``index`` (0-based) to ``percent`` (0..100), never backwards."""
        bar = self._bars[index]
        done = self._progress.tasks[index].completed
        self._progress.update(bar, completed=max(done, min(percent, 100.0)), note=note)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
