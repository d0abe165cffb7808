"""The worker loop, inside ``chorus serve``.

Submitting commits the task, then puts its id on an in-process queue; at start, tasks a
crash left unfinished are recovered and queued too. Each task runs as one asyncio task:
lyrics are written on a thread, the clips render in the backend (the process pool) side by
side, progress is buffered and written at most once a second, and every write is followed
by invalidating the task's cached answers. A task past ``task_timeout_s`` fails with a
reason; on shutdown running tasks get ``shutdown_grace_s`` to finish and are then handed
back to be resumed at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chorus.acts.concat import CONCAT_MODE, load_parts
from chorus.config import Settings
from chorus.db import Database
from chorus.engine.progress import RenderProgress, RenderResult
from chorus.engine.request import Continuation, SongRequest
from chorus.engine.score import Score
from chorus.exceptions import ChorusError
from chorus.lyrics import Fit, WrittenSong
from chorus.media.service import clip_dir, shared_dir
from chorus.observability.metrics import Metrics
from chorus.tasks import lifecycle
from chorus.tasks.cache import TaskCache
from chorus.tasks.lifecycle import ClipPlan, Plan
from chorus.tasks.service import CLIPS_PER_TASK
from chorus.worker.backend import MusicBackend, TaskRouter
from chorus.worker.songwriter import SongWriter

log = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 1.0
_MAX_REASON = 500


def failure_reason(exc: BaseException) -> str:
    """A one-line reason for ``fail_reason``: our own errors say what was wrong."""
    if isinstance(exc, ChorusError):
        return exc.message[:_MAX_REASON]
    detail = " ".join(str(exc).split())
    return f"render failed: {type(exc).__name__}: {detail}"[:_MAX_REASON]


class Worker:
    """Runs submitted tasks; :meth:`enqueue` may be called from any thread."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        cache: TaskCache,
        backend: MusicBackend,
        router: TaskRouter | None = None,
    ) -> None:
        self._settings = settings
        self._router = router
        self._db = db
        self._cache = cache
        self._backend = backend
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(max(1, settings.workers // CLIPS_PER_TASK))
        self._stopping = False
        self._pending: dict[str, tuple[int, float]] = {}
        self._streaming: set[str] = set()
        self._clip_task: dict[str, str] = {}
        self._wake = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._warm_up: asyncio.Task[None] | None = None
        # Set by the app: engine seconds by stage are counted here.
        self.metrics: Metrics | None = None
        self.writer = SongWriter(settings)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # The lyrics writer's dictionaries load in the background (a few seconds on a
        # busy machine): the service is ready at once, and a task that comes first loads
        # what it needs itself.
        self._warm_up = asyncio.create_task(asyncio.to_thread(_warm_up), name="chorus-warm-up")
        resumed = await self._db.run(lifecycle.recover, self._settings.max_attempts)
        for task_id in resumed:
            self._cache.invalidate(task_id)
            self._queue.put_nowait(task_id)
        if resumed:
            log.info("resuming %d unfinished task(s)", len(resumed))
        self._loops = [
            asyncio.create_task(self._take_tasks(), name="chorus-worker"),
            asyncio.create_task(self._write_progress(), name="chorus-progress"),
        ]

    async def stop(self) -> None:
        """Take no more work; let running tasks finish within the grace period, then
        hand the rest back so the next start resumes them."""
        self._stopping = True
        running = list(self._running.values())
        if running:
            await asyncio.wait(running, timeout=self._settings.shutdown_grace_s)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        background = [*self._loops, *([self._warm_up] if self._warm_up else [])]
        for loop_task in background:
            loop_task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await self._backend.aclose()

    def enqueue(self, task_id: str) -> None:
        if self._loop is None or self._stopping:
            return  # picked up by the recovery scan at the next start
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._queue.put_nowait, task_id)

    @property
    def busy(self) -> int:
        return len(self._running)

    @property
    def running(self) -> bool:
        """Whether the worker takes tasks: started, not stopping, its loops alive."""
        return not self._stopping and bool(self._loops) and not any(t.done() for t in self._loops)

    def cancel(self, task_id: str) -> bool:
        """Stop ``task_id`` if it runs here (its status was already set, so nothing it
        would still write applies). True when it was running."""
        running = self._running.get(task_id)
        if running is None:
            return False
        running.cancel()
        return True

    # -- the loop ----------------------------------------------------------------------

    async def _take_tasks(self) -> None:
        while not self._stopping:
            task_id = await self._queue.get()
            if self._stopping:
                return
            if task_id not in self._running:
                self._running[task_id] = asyncio.create_task(self._process(task_id))

    async def _write(self, fn: Callable[..., Any], task_id: str, *args: Any) -> Any:
        """One transaction on a thread, then the task's cached answers are dropped."""
        try:
            return await self._db.run(fn, task_id, *args)
        finally:
            self._cache.invalidate(task_id)

    async def _process(self, task_id: str) -> None:
        started = False
        try:
            action = await self._write(lifecycle.take, task_id)
            if action is None:
                return
            # An upstream channel may take the task; then nothing renders here.
            if self._router is not None and await self._router.claim(task_id):
                return
            async with self._slots:
                plan: Plan | None = await self._write(lifecycle.start, task_id)
                if plan is None:
                    return
                started = True
                await self._run(plan)
        except asyncio.CancelledError:
            if self._stopping:
                await self._write(lifecycle.hand_back, task_id, started)
            raise
        except Exception:
            log.exception("task %s could not be processed", task_id)
        finally:
            self._running.pop(task_id, None)

    async def _run(self, plan: Plan) -> None:
        timeout = self._settings.task_timeout_s
        try:
            async with asyncio.timeout(timeout):
                if plan.action == "LYRICS":
                    await self._run_lyrics(plan)
                elif plan.mode == CONCAT_MODE:
                    await self._run_concat(plan)
                else:
                    await self._run_music(await self._write_song(plan))
        except TimeoutError:
            await self._write(lifecycle.fail, plan.task_id, f"timed out after {timeout:g} s")
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception as exc:
            if not isinstance(exc, ChorusError):
                log.exception("task %s failed", plan.task_id)
            await self._write(lifecycle.fail, plan.task_id, failure_reason(exc))

    # -- lyrics ------------------------------------------------------------------------

    async def _run_lyrics(self, plan: Plan) -> None:
        song = await self.writer.song(plan.idea, seed=_task_seed(plan.task_id))
        await self._write(lifecycle.record_writer, plan.task_id, song.source, song.note)
        await self._write(lifecycle.finish_lyrics, plan.task_id, song.title, song.tags, song.lyrics)

    async def _write_song(self, plan: Plan) -> Plan:
        """Inspiration mode: title, tags and lyrics from the idea; custom mode without
        lyrics: lyrics from the title and tags. Both clips sing the same song."""
        seed = plan.clips[0].seed if plan.clips else _task_seed(plan.task_id)
        # The lyrics are sized to the clips: their length and seeds, in the caller's style
        # if given.
        seeds = tuple(clip.seed for clip in plan.clips)
        fit = Fit(plan.duration, plan.tags, plan.negative_tags, seeds)
        song: WrittenSong | None = None
        if plan.idea:
            song = await self.writer.song(
                plan.idea, seed=seed, instrumental=plan.instrumental, fit=fit
            )
        elif not plan.instrumental and not plan.lyrics.strip() and plan.mode != "extend":
            song = await self.writer.from_title(plan.title, plan.tags, seed=seed, fit=fit)
        if song is None:
            return plan
        await self._write(lifecycle.record_writer, plan.task_id, song.source, song.note)
        title = plan.title or song.title
        tags = plan.tags or song.tags
        lyrics = "" if plan.instrumental else (plan.lyrics.strip() and plan.lyrics) or song.lyrics
        await self._write(lifecycle.store_song, plan.task_id, title, tags, lyrics)
        return dataclasses.replace(plan, title=title, tags=tags, lyrics=lyrics)

    # -- music -------------------------------------------------------------------------

    async def render_extra(self, request: SongRequest, out_dir: Path) -> RenderResult:
        """Render outside any task (the stems of a finished clip) in the same render
        processes; bounded by ``task_timeout_s``."""
        async with asyncio.timeout(self._settings.task_timeout_s):
            return await self._backend.render(request, out_dir, lambda _progress: None)

    async def _run_concat(self, plan: Plan) -> None:
        """Join the extension chain ending at ``continue_clip_id`` into the task's clip."""
        # The join needs numpy and the encoders: loaded on the first concat, not at start.
        from chorus.acts.join import join_clips

        media = self._settings.media_dir
        parts = await self._db.run(load_parts, plan.continue_clip_id or "", media)
        clip = plan.clips[0]
        out_dir = clip_dir(media, clip.id, clip.attempt)
        await asyncio.to_thread(_fresh_folder, out_dir)
        self._clip_task[clip.id] = plan.task_id
        try:
            self._on_progress(clip.id, RenderProgress(0.1, "concat"))
            duration = await asyncio.to_thread(join_clips, parts, out_dir)
        finally:
            self._pending.pop(clip.id, None)
            self._streaming.discard(clip.id)
            self._clip_task.pop(clip.id, None)
        await self._write_clip(lifecycle.complete_clip, plan.task_id, clip.id, duration)

    async def _run_music(self, plan: Plan) -> None:
        continuation = None
        if plan.continue_clip_id:
            folder = clip_dir(
                self._settings.media_dir, plan.continue_clip_id, plan.continue_clip_attempt
            )
            score = await asyncio.to_thread(Score.load, folder / "score.json")
            continuation = Continuation(score=score, at=float(plan.continue_at or 0.0))
        # The clips sing the same lyrics: their renders share the speech of each line.
        shared = shared_dir(self._settings.media_dir, plan.task_id)
        renders = [
            asyncio.create_task(self._render_clip(plan, clip, continuation, shared))
            for clip in plan.clips
        ]
        try:
            await asyncio.wait(renders, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            # One clip failed (or the task was cancelled): stop the other, so a failed
            # task never keeps a clip still rendering.
            for render in renders:
                render.cancel()
            await asyncio.gather(*renders, return_exceptions=True)
            await asyncio.to_thread(shutil.rmtree, shared, True)
        for render in renders:
            exc = render.exception()
            if exc is not None:
                raise exc

    async def _render_clip(
        self, plan: Plan, clip: ClipPlan, continuation: Continuation | None, shared: Path
    ) -> None:
        request = SongRequest(
            tags=plan.tags,
            negative_tags=plan.negative_tags,
            title=plan.title,
            lyrics=plan.lyrics,
            instrumental=plan.instrumental,
            duration=plan.duration,
            seed=clip.seed,
            voice=plan.voice,
            continuation=continuation,
        )
        out_dir = clip_dir(self._settings.media_dir, clip.id, clip.attempt)
        await asyncio.to_thread(_fresh_folder, out_dir)
        self._clip_task[clip.id] = plan.task_id
        try:
            result = await self._backend.render(
                request, out_dir, lambda progress: self._on_progress(clip.id, progress), shared
            )
        finally:
            self._pending.pop(clip.id, None)
            self._streaming.discard(clip.id)
            self._clip_task.pop(clip.id, None)
        duration = float(result.summary.get("duration") or plan.duration)
        if self.metrics is not None:
            for stage, seconds in (result.summary.get("timings") or {}).items():
                self.metrics.add_engine_seconds(str(stage), float(seconds))
        await self._write_clip(lifecycle.complete_clip, plan.task_id, clip.id, duration)

    async def _write_clip(
        self, fn: Callable[..., Any], task_id: str, clip_id: str, *args: Any
    ) -> None:
        try:
            await self._db.run(fn, clip_id, *args)
        finally:
            self._cache.invalidate(task_id)

    # -- progress ----------------------------------------------------------------------

    def _on_progress(self, clip_id: str, progress: RenderProgress) -> None:
        percent = max(0, min(99, int(progress.fraction * 100)))
        self._pending[clip_id] = (percent, progress.audio_seconds)
        if clip_id not in self._streaming:
            # The first report moves the clip to "streaming": write it at once.
            self._streaming.add(clip_id)
            self._wake.set()

    async def _write_progress(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), PROGRESS_WRITE_INTERVAL_S)
            self._wake.clear()
            if not self._pending:
                continue
            updates, self._pending = self._pending, {}
            tasks = {self._clip_task[c] for c in updates if c in self._clip_task}
            finished: set[str] = set()
            try:
                finished = await self._db.run(lifecycle.progress, updates)
            except Exception:
                log.exception("progress could not be written")
            for task_id in finished:
                # Cancelled through another process sharing the database: stop rendering.
                if self.cancel(task_id):
                    log.info("task %s was finished elsewhere; its render stops", task_id)
            for task_id in tasks:
                self._cache.invalidate(task_id)
            await asyncio.sleep(0.05)


def _warm_up() -> None:
    from chorus.engine.lyrics import preload
    from chorus.lyrics.rhyme import warm_up

    warm_up()
    preload()


def _task_seed(task_id: str) -> int:
    return uuid.UUID(task_id).int >> 66


def _fresh_folder(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    # Earlier attempts of the clip are never served again.
    for old in path.parent.iterdir():
        if old != path and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
