"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the database and migrates it, makes sure the admin key exists, and
starts the worker (which resumes tasks a crash interrupted); on shutdown the worker hands
back what it could not finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chorus import __version__, exception_handlers, runtime
from chorus.acts import endpoints as acts_endpoints
from chorus.admin import endpoints as admin_endpoints
from chorus.callbacks.loop import DeliveryLoop
from chorus.channels import endpoints as channels_endpoints
from chorus.channels.backend import ChannelBackend
from chorus.chat import endpoints as chat_endpoints
from chorus.config import Settings
from chorus.db import Database
from chorus.keys import endpoints as keys_endpoints
from chorus.keys.service import KeyCache, bootstrap_admin
from chorus.media import endpoints as media_endpoints
from chorus.media.retention import MediaSweeper
from chorus.observability import RequestContextMiddleware
from chorus.observability import endpoints as observability_endpoints
from chorus.observability.metrics import Metrics
from chorus.ratelimit import RedisRateLimiter
from chorus.state import AppState
from chorus.studio import endpoints as studio_endpoints
from chorus.tasks import endpoints as tasks_endpoints
from chorus.tasks import events
from chorus.tasks.cache import TaskCache
from chorus.worker.backend import LocalEngineBackend, MusicBackend
from chorus.worker.service import Worker

log = logging.getLogger(__name__)

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyLimit:
    """Answers 413 when Content-Length, or the bytes actually received, exceed ``limit``.

    Bodies of methods that carry one are read up front (they are small, at most
    ``limit``) and replayed to the app, so an oversized chunked body is refused before
    any route sees it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await self._refuse(send)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        payload = {
            "code": "request_too_large",
            "message": f"body: at most {self.limit} bytes",
            "data": None,
        }
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    settings: Settings | None = None,
    *,
    run_worker: bool = True,
    backend: MusicBackend | None = None,
) -> FastAPI:
    """The whole service. ``run_worker=False`` serves the API without rendering
    anything (submitted tasks wait for a server that runs the worker)."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings)
        await asyncio.to_thread(db.migrate)
        generated = await db.run(bootstrap_admin, settings.admin_key)
        if generated:
            log.warning("generated the admin key (shown once): %s", generated)
        tasks = TaskCache(db, settings.effective_public_base_url, ttl_s=settings.task_cache_ttl_s)
        state = AppState(settings=settings, db=db, keys=KeyCache(db), tasks=tasks)
        state.metrics = metrics
        redis = None
        if settings.redis_url:
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url)
            state.limiter = RedisRateLimiter(redis)
        if run_worker:
            state.deliveries = DeliveryLoop(settings, db)
        wake = state.deliveries.wake if state.deliveries is not None else None
        # Every status change from here on refunds, records callbacks and moves metrics.
        events.install(db)
        runtime.install(
            db,
            runtime.Runtime(
                base_url=settings.effective_public_base_url,
                default_dialect=settings.default_dialect,
                metrics=metrics,
                wake_deliveries=wake,
            ),
        )
        app.state.chorus = state
        channels: ChannelBackend | None = None
        if run_worker:
            channels = ChannelBackend(settings, db, tasks)
            app.state.channels = channels
            state.listener_arrived = channels.poller.wake
            await channels.start()
            engine = backend or LocalEngineBackend(settings.workers)
            state.worker = Worker(settings, db, tasks, engine, router=channels)
            state.worker.metrics = metrics
            await state.worker.start()
        if state.deliveries is not None:
            await state.deliveries.start()
        sweeper = None
        if run_worker and settings.media_retention_days > 0:
            sweeper = MediaSweeper(settings, db, metrics=metrics)
            await sweeper.start()
        try:
            yield
        finally:
            if sweeper is not None:
                await sweeper.stop()
            if state.worker is not None:
                await state.worker.stop()
            if state.deliveries is not None:
                await state.deliveries.stop()
            if redis is not None:
                await redis.aclose()
            if channels is not None:
                await channels.aclose()
            db.dispose()

    app = FastAPI(
        title="Chorus",
        version=__version__,
        summary="Self-hostable music generation speaking the Suno task API",
        lifespan=lifespan,
    )
    exception_handlers.install(app)
    app.include_router(tasks_endpoints.router)
    app.include_router(tasks_endpoints.library_router)
    app.include_router(acts_endpoints.router)
    app.include_router(acts_endpoints.submit_router)
    app.include_router(chat_endpoints.router)
    app.include_router(media_endpoints.router)
    app.include_router(keys_endpoints.router)
    app.include_router(admin_endpoints.router)
    app.include_router(channels_endpoints.router)
    app.include_router(studio_endpoints.router)
    app.include_router(observability_endpoints.router)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # Outermost: every answer, a 413 from BodyLimit included, carries a request id.
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    return app
