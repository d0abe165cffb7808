"""Music backends: what renders a clip. The built-in engine runs in a process pool;
other backends (an upstream relay...) implement the same small protocol."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from chorus.engine.progress import ProgressFn, RenderProgress, RenderResult
from chorus.engine.request import SongRequest
from chorus.exceptions import EngineError
from chorus.worker import _child

log = logging.getLogger(__name__)

ENGINE_TARGET = "chorus.engine.render:render_song"


class MusicBackend(Protocol):
    """Renders one clip into ``out_dir`` (``song.mp3``, covers, video, ``score.json``,
    ``summary.json``; a growing ``stream.mp3`` meanwhile), reporting progress.
    Cancelling the coroutine must stop the work. The clips of one task are given the same
    ``shared_dir`` for work they can share (see ``chorus.engine.render.render_song``)."""

    async def render(
        self,
        request: SongRequest,
        out_dir: Path,
        on_progress: ProgressFn,
        shared_dir: Path | None = None,
    ) -> RenderResult: ...

    async def aclose(self) -> None: ...


class TaskRouter(Protocol):
    """Decides per task whether the engine here renders it (``claim`` answers False) or
    another channel took it over (True)."""

    async def claim(self, task_id: str) -> bool: ...


class LocalEngineBackend:
    """The built-in engine in ``processes`` spawned processes, reused across clips so
    the voice model loads once per process."""

    def __init__(self, processes: int, target: str = ENGINE_TARGET) -> None:
        self._processes = processes
        self._target = target
        self._context = multiprocessing.get_context("spawn")
        self._progress: Any = self._context.Queue()
        self._listeners: dict[str, ProgressFn] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pump: threading.Thread | None = None
        self._renders: set[Future[RenderResult]] = set()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=self._context,
            initializer=_child.init,
            initargs=(self._progress, self._target, os.getpid()),
        )
        # Start every process now (each imports the engine once), so the first clip
        # does not wait for a process to boot.
        for _ in range(self._processes):
            pool.submit(_child.ready)
        return pool

    def _start_pump(self) -> None:
        if self._pump is None:
            self._loop = asyncio.get_running_loop()
            self._pump = threading.Thread(target=self._read_progress, daemon=True)
            self._pump.start()

    def _read_progress(self) -> None:
        # Runs on its own thread: the queue's get() blocks.
        while True:
            try:
                message = self._progress.get()
            except (EOFError, OSError):
                return
            if message is None:
                return
            assert self._loop is not None
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self._deliver, message)

    def _deliver(self, message: tuple[str, float, str, float]) -> None:
        token, fraction, stage, audio_seconds = message
        listener = self._listeners.get(token)
        if listener is not None:
            listener(RenderProgress(fraction, stage, audio_seconds))

    async def render(
        self,
        request: SongRequest,
        out_dir: Path,
        on_progress: ProgressFn,
        shared_dir: Path | None = None,
    ) -> RenderResult:
        self._start_pump()
        out_dir.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        self._listeners[token] = on_progress
        future: Future[RenderResult] | None = None
        try:
            future = self._pool.submit(_child.render, token, request, out_dir, shared_dir)
            self._renders.add(future)
            future.add_done_callback(self._renders.discard)
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            # The child checks for the marker at every progress report and stops.
            (out_dir / _child.CANCEL_MARKER).touch()
            raise
        except BrokenProcessPool as exc:
            log.error("a render process died; starting a new pool")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            raise EngineError("the render process died") from exc
        finally:
            self._listeners.pop(token, None)

    async def aclose(self, timeout_s: float = 10.0) -> None:
        pool = self._pool
        if not self._renders:
            # Nothing is rendering: the processes hold no work (they may still be loading
            # the engine), so they stop now rather than after loading it.
            _terminate(pool)
        closing = asyncio.ensure_future(
            asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        )
        try:
            await asyncio.wait_for(asyncio.shield(closing), timeout_s)
        except TimeoutError:
            # A render that reports no progress cannot see its cancel marker: stop it.
            _terminate(pool)
            await closing
        self._progress.put(None)
        if self._pump is not None:
            await asyncio.to_thread(self._pump.join, 2.0)
        self._progress.close()


def _terminate(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
