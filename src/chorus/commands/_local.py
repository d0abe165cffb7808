"""Rendering a song's clips on this machine: two processes, progress through a queue.

Runs in spawned processes, so everything here is importable at module level and every
argument crosses a process boundary by pickling.
"""

from __future__ import annotations

import multiprocessing
import queue
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from chorus.engine.progress import RenderProgress, RenderResult
from chorus.engine.request import SongRequest
from chorus.exceptions import EngineError

# A few progress messages a second per clip is plenty for a bar.
_MIN_INTERVAL_S = 0.15
_POLL_S = 0.1

# (clip index, fraction 0..1, stage, seconds of audio made)
Message = tuple[int, float, str, float]
OnProgress = Callable[[Message], None]


def render_clip(
    index: int, request: SongRequest, out_dir: Path, sink: Any, shared_dir: Path | None = None
) -> RenderResult:
    """Render one clip in a child process, sending progress messages to ``sink``;
    ``shared_dir`` is shared with the other clips of the same song."""
    from chorus.engine.render import render_song

    last = 0.0

    def report(progress: RenderProgress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= _MIN_INTERVAL_S or progress.fraction >= 1.0:
            last = now
            sink.put((index, progress.fraction, progress.stage, progress.audio_seconds))

    return render_song(request, out_dir, report, shared_dir=shared_dir, stream=False)


def render_clips(
    requests: list[tuple[SongRequest, Path]], on_progress: OnProgress, processes: int = 2
) -> list[RenderResult]:
    """Render each ``(request, folder)`` in a pool of ``processes`` spawned processes,
    calling ``on_progress`` in this process for every message. Returns the results in
    order; the first failure stops the others and is raised."""
    context = multiprocessing.get_context("spawn")
    # The clips sing the same lyrics: they share the speech of each line.
    with context.Manager() as manager, tempfile.TemporaryDirectory(prefix="chorus-") as shared:
        sink: Any = manager.Queue()
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        try:
            futures: list[Future[RenderResult]] = [
                pool.submit(render_clip, index, request, folder, sink, Path(shared))
                for index, (request, folder) in enumerate(requests)
            ]
            pending: set[Future[RenderResult]] = set(futures)
            while pending:
                _drain(sink, on_progress, block=True)
                _done, pending = wait(pending, timeout=0, return_when=FIRST_EXCEPTION)
                if any(f.done() and f.exception() is not None for f in futures):
                    break
            _drain(sink, on_progress, block=False)
            results = [future.result() for future in futures]
            pool.shutdown(wait=True)
            return results
        except BrokenProcessPool as exc:
            raise EngineError("a render process died") from exc
        finally:
            _stop(pool)


def _drain(sink: Any, on_progress: OnProgress, *, block: bool) -> None:
    try:
        message: Message = sink.get(timeout=_POLL_S) if block else sink.get_nowait()
        on_progress(message)
        while True:
            on_progress(sink.get_nowait())
    except queue.Empty:
        return


def _stop(pool: ProcessPoolExecutor) -> None:
    # On an error or Ctrl-C the other render is not wanted: end it rather than wait.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)
