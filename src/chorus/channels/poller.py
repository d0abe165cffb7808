"""Following relayed tasks until they finish.

Each round loads the unfinished tasks that upstreams hold and fetches them per channel in
batches (one ``POST /suno/fetch`` per channel and chunk of ids; a Suno account one feed
request). A channel that fails is left alone for a growing while (backoff) and counts
against its breaker. Answers are folded into our tasks (:mod:`chorus.channels._apply`);
clips the upstream completed are mirrored into our media store first. A streaming clip
that someone listens to here (the stream route's ``.listening`` marker, as for a render)
has the upstream's growing audio copied into its ``stream.mp3`` as it arrives. A task the
upstream does not finish within ``upstream_timeout_s``, or forgets, fails with a reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from chorus.channels import _apply, repository, service
from chorus.channels.mirror import MediaRefused, absolute, mirror_clip, relay_stream
from chorus.channels.routing import ChannelInfo, Health
from chorus.channels.upstream import (
    Upstream,
    UpstreamRejected,
    UpstreamUnavailable,
)
from chorus.client.models import Task as UpTask
from chorus.config import Settings
from chorus.db import Database
from chorus.exceptions import ChorusError
from chorus.media.service import LISTENING, STREAM_FILE, clip_dir
from chorus.tasks.cache import TaskCache

log = logging.getLogger(__name__)
_T = TypeVar("_T")

MAX_BACKOFF_S = 60.0
# The shortest time between two polling rounds, however often something wakes the poller.
MIN_ROUND_GAP_S = 0.5
# Rounds in a row a task may be missing upstream before it counts as lost.
LOST_AFTER = 3


@dataclass
class _ChannelPoll:
    failures: int = 0
    next_at: float = 0.0


@dataclass
class Poller:
    settings: Settings
    db: Database
    cache: TaskCache
    upstream_for: Callable[[ChannelInfo], Upstream | None]
    health: Health
    media: httpx.AsyncClient
    clock: Callable[[], float] = time.monotonic
    _channels: dict[str, _ChannelPoll] = field(default_factory=dict)
    _misses: dict[str, int] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    # Live copies of upstream streams by clip id, and clips whose copy failed part way (a
    # listener mid-song would hear the song restart: they get the complete song at the end).
    _relays: dict[str, asyncio.Task[int]] = field(default_factory=dict)
    _unrelayable: set[str] = field(default_factory=set)

    def wake(self) -> None:
        """Poll soon (a task was just relayed, or someone started listening to a clip)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            began = time.monotonic()
            try:
                await self.poll_once()
            except Exception:
                log.exception("polling upstream channels failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.upstream_poll_s)
            self._wake.clear()
            # Wakes come as often as listeners do (anyone holding a clip's URL): rounds,
            # each a fetch per channel, stay apart however often that is.
            gap = min(MIN_ROUND_GAP_S, self.settings.upstream_poll_s)
            rest = gap - (time.monotonic() - began)
            if rest > 0:
                await asyncio.sleep(rest)

    async def aclose(self) -> None:
        """Stop the live stream copies (their partial files are removed)."""
        relays = list(self._relays.values())
        for relay in relays:
            relay.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    async def poll_once(self) -> None:
        relayed = await self.db.run(repository.relayed_unfinished)
        if not relayed:
            return
        infos = {info.name: info for info in await self.db.run(service.infos)}
        now = time.time()
        timeout = self.settings.upstream_timeout_s
        groups: dict[str, list[repository.Relayed]] = {}
        for task in relayed:
            if task.start_time and now - task.start_time > timeout:
                await self._fail(task.task_id, f"the upstream did not finish the task within "
                                 f"{timeout:g} s")  # fmt: skip
                continue
            groups.setdefault(task.channel, []).append(task)
        await asyncio.gather(
            *(self._poll_channel(infos.get(name), tasks) for name, tasks in groups.items())
        )

    async def _poll_channel(
        self, info: ChannelInfo | None, tasks: list[repository.Relayed]
    ) -> None:
        if info is None:
            return  # a channel removed from under its tasks: they time out
        state = self._channels.setdefault(info.name, _ChannelPoll())
        if self.clock() < state.next_at:
            return
        upstream = self.upstream_for(info)
        if upstream is None:
            return
        size = self.settings.upstream_batch_size
        for start in range(0, len(tasks), size):
            chunk = tasks[start : start + size]
            try:
                found = await upstream.fetch_many([task.upstream_task_id for task in chunk])
            except ChorusError as exc:
                self._back_off(info.name, state, exc)
                return
            state.failures, state.next_at = 0, 0.0
            self.health.breaker(info.name).success()
            for task in chunk:
                await self._follow(info, task, found.get(task.upstream_task_id))

    def _back_off(self, name: str, state: _ChannelPoll, exc: ChorusError) -> None:
        if isinstance(exc, UpstreamRejected):
            self.health.rest(name)
        elif isinstance(exc, UpstreamUnavailable):
            self.health.breaker(name).failure()
        state.failures += 1
        delay = min(self.settings.upstream_poll_s * 2**state.failures, MAX_BACKOFF_S)
        state.next_at = self.clock() + delay
        log.warning("polling channel %s failed (%s); next try in %.1f s", name, exc.message,
                    delay)  # fmt: skip

    async def _follow(self, info: ChannelInfo, task: repository.Relayed, up: UpTask | None) -> None:
        if up is None:
            misses = self._misses.get(task.task_id, 0) + 1
            self._misses[task.task_id] = misses
            if misses >= LOST_AFTER:
                self._misses.pop(task.task_id, None)
                await self._fail(task.task_id, "the upstream lost the task")
            return
        self._misses.pop(task.task_id, None)
        outcome = await self._write(_apply.apply_upstream, task.task_id, up)
        for live in outcome.live:
            self._relay_if_heard(info, task.task_id, live)
        for finished in outcome.finished:
            await self._complete(info, task.task_id, finished)

    def _relay_if_heard(self, info: ChannelInfo, task_id: str, live: _apply.Live) -> None:
        """Start copying the clip's growing audio when someone listens and nobody copies it."""
        if live.clip_id in self._relays or live.clip_id in self._unrelayable:
            return
        folder = clip_dir(self.settings.media_dir, live.clip_id, live.attempt)
        if not (folder / LISTENING).exists() or (folder / STREAM_FILE).exists():
            return
        url = absolute(live.audio_url, info.base_url)
        if url is None:
            self._unrelayable.add(live.clip_id)
            return
        opened = asyncio.Event()
        relay = asyncio.create_task(
            self._relay(url, folder / STREAM_FILE, opened.set), name=f"chorus-stream-{live.clip_id}"
        )
        self._relays[live.clip_id] = relay

        def finished(done: asyncio.Task[int]) -> None:
            self._relays.pop(live.clip_id, None)
            failure = None if done.cancelled() else done.exception()
            # Once a listener may have heard part of it, a copy is not started again (the
            # song would restart mid-way); one refused before any byte is tried next round,
            # unless it leads to a private network (that will not change).
            stopped = done.cancelled() or failure is not None
            if (opened.is_set() and stopped) or isinstance(failure, MediaRefused):
                self._unrelayable.add(live.clip_id)
            if failure is not None:
                log.warning("copying the stream of a clip of task %s failed: %s", task_id,
                            failure)  # fmt: skip

        relay.add_done_callback(finished)

    async def _relay(self, url: str, target: Path, on_open: Callable[[], None]) -> int:
        # Bounded like the task itself: an upstream stream that never ends is dropped.
        async with asyncio.timeout(self.settings.upstream_timeout_s):
            return await relay_stream(
                self.media, url, target, max_bytes=self.settings.mirror_max_bytes, on_open=on_open
            )

    async def _stream_copied(self, clip_id: str) -> None:
        """Let a live copy of the clip's stream finish (the upstream has the whole song, so
        its stream ends soon); one that does not within a request's time is stopped."""
        relay = self._relays.get(clip_id)
        if relay is None:
            return
        _, late = await asyncio.wait({relay}, timeout=self.settings.upstream_request_timeout_s)
        for stuck in late:
            stuck.cancel()
        # A copy that failed or was stopped removed its file: the song takes its place.
        await asyncio.gather(relay, return_exceptions=True)

    async def _complete(self, info: ChannelInfo, task_id: str, finished: _apply.Finished) -> None:
        await self._stream_copied(finished.clip_id)
        self._unrelayable.discard(finished.clip_id)
        urls = {
            name: absolute(url, info.base_url) if url else None
            for name, url in zip(
                _apply.MEDIA_NAMES,
                (finished.media.audio_url, finished.media.image_url,
                 finished.media.image_large_url, finished.media.video_url),
                strict=True,
            )
        }  # fmt: skip
        media = {name: url for name, url in urls.items() if url}
        if self.settings.mirror_media:
            folder = clip_dir(self.settings.media_dir, finished.clip_id, finished.attempt)
            try:
                await mirror_clip(
                    self.media, finished.media, folder, info.base_url,
                    max_bytes=self.settings.mirror_max_bytes,
                )  # fmt: skip
            except MediaRefused as exc:
                log.warning("task %s: the upstream's media was refused: %s", task_id,
                            exc.message)  # fmt: skip
                # The reason a client reads names no upstream host.
                await self._fail(task_id, "upstream: its media is on a private network")
                return
            except UpstreamUnavailable as exc:
                # Tried again next round; the task timeout bounds how long.
                log.warning("mirroring a clip of task %s failed: %s", task_id, exc.message)
                return
            media = {}
        await self._write(_apply.complete_clip, task_id, finished.clip_id, finished.duration,
                          media)  # fmt: skip

    async def _fail(self, task_id: str, reason: str) -> None:
        await self._write(_apply.fail, task_id, reason)

    async def _write(self, fn: Callable[..., _T], task_id: str, *args: object) -> _T:
        try:
            return await self.db.run(fn, task_id, *args)
        finally:
            self.cache.invalidate(task_id)
