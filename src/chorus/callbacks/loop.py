"""The delivery loop, inside ``chorus serve`` beside the worker.

It wakes when a commit created deliveries (or every ``hooks_poll_s``), leases what is
due (:func:`chorus.callbacks.service.claim`), attempts each through the guarded hook
client, and stores the outcome. Deliveries are rows with a next-attempt time and a
lease, so a restart resumes them where they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import httpx

from chorus.callbacks import service
from chorus.config import Settings
from chorus.db import Database
from chorus.observability.logging import log_context
from chorus.webhooks import RetryPolicy, attempt, make_hook_client

log = logging.getLogger(__name__)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        base_s=settings.hooks_retry_base_s,
        max_delay_s=max(settings.hooks_retry_max_delay_s, settings.hooks_retry_base_s),
        max_age_s=settings.hooks_max_age_s,
    )


class DeliveryLoop:
    """Sends stored deliveries; :meth:`wake` may be called from any thread."""

    def __init__(
        self, settings: Settings, db: Database, client: httpx.AsyncClient | None = None
    ) -> None:
        self._settings = settings
        self._db = db
        self._client = client or make_hook_client(allow_private=settings.hooks_allow_private)
        self._policy = retry_policy(settings)
        # An attempt holds its row this long; past it, a crashed attempt is retried.
        self._lease_s = settings.hooks_timeout_s + 5.0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="chorus-deliveries")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for job in list(self._inflight):
            job.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        await self._client.aclose()

    def wake(self) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.hooks_poll_s)
            self._wake.clear()
            try:
                claims = await self._db.run(service.claim, time.time(), self._lease_s)
            except Exception:
                log.exception("could not pick due deliveries")
                continue
            for claim in claims:
                job = asyncio.create_task(self._send(claim))
                self._inflight.add(job)
                job.add_done_callback(self._inflight.discard)

    async def _send(self, claim: service.Claim) -> None:
        with log_context(task_id=claim.task_id):
            result = await attempt(
                self._client,
                claim.job,
                secret=claim.secret,
                policy=self._policy,
                timeout_s=self._settings.hooks_timeout_s,
            )
            try:
                await self._db.run(service.record, claim.job.msg_id, result)
            except Exception:
                log.exception("could not record delivery %s", claim.job.msg_id)
                return
            log.info(
                "callback %s: %s",
                result.state,
                result.outcome.error or result.outcome.status_code,
                extra={"delivery_id": claim.job.msg_id, "attempts": result.attempts},
            )
            if result.state == "delivered":
                # The next status of this task may be waiting for this one to land.
                self._wake.set()
