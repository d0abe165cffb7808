"""Liveness and readiness answers; the routes only wrap these.

``/healthz`` says the process serves requests at all (a load balancer restarts it if not).
``/readyz`` says it can do its job: each named check (the database answers, the worker
pool is up) must pass within a time limit, or the answer is 503 with what failed.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import Engine, text

# A check returns normally when healthy and raises (any exception) when not. It may be
# sync (run in a thread) or async.
Check = Callable[[], None] | Callable[[], Awaitable[None]]


def healthz() -> dict[str, str]:
    """The liveness answer: 200 with ``{"status": "ok"}`` whenever the process answers."""
    return {"status": "ok"}


async def _run(check: Check, timeout_s: float) -> None:
    with anyio.fail_after(timeout_s):
        if inspect.iscoroutinefunction(check):
            await check()
        else:
            result = await anyio.to_thread.run_sync(check)
            if inspect.isawaitable(result):
                await result


async def readyz(
    checks: Mapping[str, Check], *, timeout_s: float = 2.0
) -> tuple[int, dict[str, Any]]:
    """Run every check concurrently; return (HTTP status, body).

    The body is ``{"status": "ok"|"unavailable", "checks": {name: {"ok", "error",
    "duration_s"}}}``; the status is 200 only when every check passed.
    """
    results: dict[str, dict[str, Any]] = {}

    async def one(name: str, check: Check) -> None:
        started = time.perf_counter()
        error = ""
        try:
            await _run(check, timeout_s)
        except TimeoutError:
            error = f"no answer within {timeout_s:g} s"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        results[name] = {
            "ok": not error,
            "error": error,
            "duration_s": round(time.perf_counter() - started, 4),
        }

    async with anyio.create_task_group() as group:
        for name, check in checks.items():
            group.start_soon(one, name, check)
    healthy = all(r["ok"] for r in results.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": dict(sorted(results.items()))}
    return (200 if healthy else 503), body


def database_check(engine: Engine) -> Callable[[], None]:
    """A readiness check that runs ``SELECT 1`` on ``engine`` (sync; runs in a thread)."""

    def check() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()

    return check
