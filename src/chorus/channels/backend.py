"""Choosing a channel per task: the built-in engine or an upstream.

The worker asks :meth:`ChannelBackend.claim` about every task it takes. The answer False
means "render it here" (the ``local`` channel won); True means the channel layer owns the
task: it was relayed (the poller follows it from now on) or no channel could take it (it
failed with a reason). An extension goes to the channel that made its clip and nowhere
else. Submitting fails over along the routing order without ever creating a second task
of ours, so the client is charged once whatever happens upstream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any
from urllib.parse import urlsplit

import httpx

from chorus.channels import _apply, repository, service
from chorus.channels.poller import Poller
from chorus.channels.relay import RelayUpstream
from chorus.channels.routing import ChannelInfo, Health, NoChannel, candidates, failover
from chorus.channels.sunoweb import CLERK_URL, STUDIO_URL, SunoWebUpstream
from chorus.channels.upstream import Upstream, UpstreamUnavailable
from chorus.config import Settings
from chorus.db import Database
from chorus.tasks.cache import TaskCache
from chorus.webhooks.transport import GuardedTransport

log = logging.getLogger(__name__)
_LOCAL = ""


class ChannelBackend:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        cache: TaskCache,
        *,
        rng: random.Random | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._db = db
        self._cache = cache
        self._rng = rng or random.Random()
        self._transport = transport
        self.health = Health(
            settings.breaker_failures, settings.breaker_reset_s, settings.channel_cooldown_s
        )
        self._upstreams: dict[str, tuple[ChannelInfo, Upstream]] = {}
        self._claiming: dict[str, int] = {}
        self._closing: set[asyncio.Future[None]] = set()
        # The hosts of the configured channels: their media may be on a private network.
        self._channel_hosts: set[str] = set()
        # Media URLs come from upstreams' answers, not from the admin: guarded like hooks.
        self._media = self._http(
            transport
            or GuardedTransport(
                allow_private=settings.mirror_allow_private,
                trusted=lambda host: host.lower() in self._channel_hosts,
            )
        )
        self.poller = Poller(settings, db, cache, self.upstream_for, self.health, self._media)
        self._loop_task: asyncio.Task[None] | None = None

    def _http(self, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
        # Upstreams are configured by the admin; no proxies from the environment.
        return httpx.AsyncClient(
            timeout=self._settings.upstream_request_timeout_s,
            follow_redirects=True,
            trust_env=False,
            transport=transport or self._transport,
        )

    async def start(self) -> None:
        await self._db.run(service.ensure_local)
        self._loop_task = asyncio.create_task(self.poller.run(), name="chorus-channels")

    async def aclose(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        await self.poller.aclose()
        for _, upstream in self._upstreams.values():
            await upstream.aclose()
        self._upstreams.clear()
        await self._media.aclose()

    def upstream_for(self, info: ChannelInfo) -> Upstream | None:
        """The client of a channel, rebuilt when its settings change."""
        if info.kind not in ("relay", "suno-web"):
            return None
        host = urlsplit(info.base_url).hostname
        if host:
            self._channel_hosts.add(host.lower())
        known = self._upstreams.get(info.name)
        if known is not None and known[0] == info:
            return known[1]
        if known is not None:
            # The replaced client may still serve a request in flight: close it after.
            closing = asyncio.ensure_future(known[1].aclose())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)
        upstream: Upstream
        if info.kind == "relay":
            upstream = RelayUpstream(self._http(), info.base_url, info.secret)
        else:
            upstream = SunoWebUpstream(
                self._http(),
                info.secret,
                studio_url=info.base_url or STUDIO_URL,
                clerk_url=info.option("clerk_url", CLERK_URL),
            )
        self._upstreams[info.name] = (info, upstream)
        return upstream

    async def running(self) -> dict[str, int]:
        counts = await self._db.run(repository.running_counts)
        for name, claiming in self._claiming.items():
            counts[name] = counts.get(name, 0) + claiming
        return counts

    async def claim(self, task_id: str) -> bool:
        """Send the task where it should go; False when the engine here renders it."""
        job = await self._db.run(_apply.load_job, task_id)
        if job is None:
            return True
        if job.upstream_task_id:
            return True  # relayed before a restart: the poller follows it
        infos = await self._db.run(service.infos)
        if job.pinned_channel is not None:
            order = [i for i in infos if i.name == job.pinned_channel]
            if job.pinned_channel == service.LOCAL:
                return False
        else:
            order = candidates(
                infos, job.action, job.mv, health=self.health, running=await self.running(),
                rng=self._rng,
            )  # fmt: skip

        async def attempt(channel: ChannelInfo) -> str:
            upstream = self.upstream_for(channel)
            if upstream is None:
                return _LOCAL
            self._claiming[channel.name] = self._claiming.get(channel.name, 0) + 1
            try:
                async with asyncio.timeout(self._settings.upstream_request_timeout_s):
                    if job.action == "LYRICS":
                        return await upstream.submit_lyrics(job.body)
                    return await upstream.submit_music(job.body)
            except TimeoutError:
                raise UpstreamUnavailable("timed out") from None
            finally:
                self._claiming[channel.name] -= 1

        try:
            channel, upstream_id = await failover(order, attempt, self.health)
        except NoChannel as exc:
            log.warning("task %s: %s", task_id, exc.message)
            await self._write(_apply.fail, task_id, exc.message)
            return True
        if upstream_id == _LOCAL:
            await self._write(_apply.record_local, task_id)
            return False
        log.info("task %s relayed to channel %s", task_id, channel.name)
        await self._write(_apply.record_relayed, task_id, channel.name, upstream_id)
        self.poller.wake()
        return True

    async def _write(self, fn: Any, task_id: str, *args: Any) -> Any:
        try:
            return await self._db.run(fn, task_id, *args)
        finally:
            self._cache.invalidate(task_id)

    def states(self) -> dict[str, str]:
        return {name: self.health.state(name) for name in self.health.breakers}
