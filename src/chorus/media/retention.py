"""Deleting old clips' files (``media_retention_days``).

The sweeper walks the tasks in the order they were submitted, from where its last round
stopped, up to the retention cutoff, and deletes each finished task's clip folders (every
attempt) and its leftover shared scratch space. The tasks themselves stay: fetch answers
as before and the media routes answer 404; extending or joining such a clip is refused at
submit because its files are missing. A task not finished yet stops the walk, which
resumes there next round, so no folder is left behind. Several processes sweeping the same
store delete the same folders harmlessly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from chorus.config import Settings
from chorus.db import Database
from chorus.media.service import shared_dir
from chorus.observability.metrics import Metrics
from chorus.tasks import repository

log = logging.getLogger(__name__)

# Tasks read from the database per query.
PAGE = 500
_DAY_S = 86_400.0


def delete_media(media_dir: Path, task_id: str, clip_ids: list[str]) -> int:
    """Delete the folders of a task's clips and its shared scratch; how many existed."""
    found = 0
    for folder in [media_dir / clip_id for clip_id in clip_ids] + [shared_dir(media_dir, task_id)]:
        if folder.is_dir():
            found += 1
            shutil.rmtree(folder, ignore_errors=True)
    return found


class MediaSweeper:
    """Runs :meth:`sweep_once` every ``media_sweep_s`` while started."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Callable[[], float] = time.time,
        metrics: Metrics | None = None,
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._metrics = metrics
        # Where the walk stopped: (submit_time, task id) of the last task swept.
        self._position: tuple[int, str] = (0, "")
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> int:
        """Delete the files of finished tasks submitted before the cutoff and not swept
        yet; returns how many folders were deleted. No retention: nothing is deleted."""
        if self._settings.media_retention_days <= 0:
            return 0
        until = int(self._clock() - self._settings.media_retention_days * _DAY_S)
        deleted = 0
        while True:
            page = await self._db.run(repository.submitted_page, self._position, until, PAGE)
            for submitted, task_id, status, clip_ids in page:
                if status not in repository.TERMINAL:
                    return deleted  # resumed here next round, once it is finished
                deleted += await asyncio.to_thread(
                    delete_media, self._settings.media_dir, task_id, clip_ids
                )
                self._position = (submitted, task_id)
            if len(page) < PAGE:
                return deleted

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="chorus-media-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                deleted = await self.sweep_once()
                if deleted:
                    log.info("deleted %d clip folders past the media retention", deleted)
                    if self._metrics is not None:
                        self._metrics.add_media_deleted(deleted)
            except Exception:
                log.exception("sweeping old media failed")
            await asyncio.sleep(self._settings.media_sweep_s)
