"""``/metrics`` (Prometheus text; a bearer token when ``metrics_token`` is set),
``/healthz`` (the process answers) and ``/readyz`` (the database answers, the worker
runs). Left out of the OpenAPI schema: they are for operators, not API clients."""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from chorus.exceptions import Unauthorized
from chorus.observability.health import Check, database_check, healthz, readyz
from chorus.state import AppState, app_state
from chorus.tasks.admission import waiting
from chorus.tasks.models import Task

router = APIRouter(include_in_schema=False)


def waiting_tasks(state: AppState) -> int:
    """Tasks waiting for a worker (the queue depth), read from the database."""
    with state.db.engine.connect() as connection:
        query = select(func.count()).select_from(Task).where(waiting())
        return int(connection.execute(query).scalar_one())


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    state = app_state(request)
    token = state.settings.metrics_token
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Unauthorized("Authorization: /metrics needs the metrics token")
    if state.metrics is None:
        return Response(b"", media_type="text/plain")
    state.metrics.set_queue_depth(await asyncio.to_thread(waiting_tasks, state))
    body, content_type = await asyncio.to_thread(state.metrics.render)
    return Response(body, media_type=content_type)


@router.get("/healthz")
async def health() -> JSONResponse:
    return JSONResponse(healthz())


@router.get("/readyz")
async def ready(request: Request) -> JSONResponse:
    state = app_state(request)
    checks: dict[str, Check] = {"database": database_check(state.db.engine)}
    worker = state.worker
    if worker is not None:

        def worker_check() -> None:
            if not worker.running:
                raise RuntimeError("the worker is not running")

        checks["worker"] = worker_check
    status, body = await readyz(checks)
    return JSONResponse(body, status_code=status)
