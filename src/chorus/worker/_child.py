"""Code that runs inside the render processes.

Each process keeps what the engine loads once (the voice model, the SoundFont) for the
next clip. Progress goes back to the service through a queue; a render stops early when
its folder gets a cancel marker or when the service process that started it is gone.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from chorus.engine.progress import RenderProgress, RenderResult
from chorus.engine.request import SongRequest
from chorus.media.service import LISTENING

CANCEL_MARKER = ".cancel"
# Progress crosses a process boundary: a few messages a second is plenty for a
# percentage and keeps the queue cheap.
_MIN_INTERVAL_S = 0.2

# Set once per process by init(): the progress queue, the render function, the service pid.
_process: dict[str, Any] = {}


class RenderCancelledError(Exception):
    """The service cancelled the render (timeout, shutdown) or went away."""


def init(queue: Queue[Any], target: str, parent_pid: int) -> None:
    """Process initializer: remember the queue and import the engine once."""
    module_name, _, attr = target.partition(":")
    _process["queue"] = queue
    _process["parent_pid"] = parent_pid
    _process["render"] = getattr(importlib.import_module(module_name), attr)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    # The pronouncing dictionary and pinyin tables load now, not in the first song.
    from chorus.engine.lyrics import preload

    preload()


def _exit_with_parent(parent_pid: int, interval_s: float = 1.0) -> None:
    """End this process once the service that started it is gone (killed, crashed): an
    idle render process would otherwise wait on the pool's pipe forever, holding the
    voice model's memory."""
    while os.getppid() == parent_pid:
        time.sleep(interval_s)
    os._exit(0)


def ready() -> bool:
    """A no-op job: submitting it makes the pool start a process."""
    return True


def render(
    token: str, request: SongRequest, out_dir: Path, shared_dir: Path | None = None
) -> RenderResult:
    """Render one clip, reporting progress tagged with ``token``; ``shared_dir`` is shared
    with the task's other clips."""
    queue: Queue[Any] = _process["queue"]
    render_song: Callable[..., RenderResult] = _process["render"]
    parent_pid: int = _process["parent_pid"]
    marker = out_dir / CANCEL_MARKER
    last = 0.0

    def on_progress(progress: RenderProgress) -> None:
        nonlocal last
        if marker.exists():
            raise RenderCancelledError("cancelled")
        if os.getppid() != parent_pid:
            raise RenderCancelledError("the service that asked for this render is gone")
        now = time.monotonic()
        if now - last >= _MIN_INTERVAL_S or progress.fraction >= 1.0:
            last = now
            queue.put((token, progress.fraction, progress.stage, progress.audio_seconds))

    # The growing stream is written once someone listens (the media route says so).
    listening = out_dir / LISTENING
    return render_song(
        request, out_dir, on_progress, shared_dir=shared_dir, stream=listening.exists
    )
