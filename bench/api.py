"""API benchmark: throughput and p50/p99 latency of ``GET /suno/fetch/{id}`` and of
``POST /suno/submit/lyrics`` under concurrent load, beside a bare Starlette route that
answers the same JSON from memory, each served by uvicorn (uvloop + httptools) in its
own process on loopback. The Chorus server runs without its worker, so renders do not
compete with the measurement.

    .venv/bin/python bench/api.py [--seconds 5] [--concurrency 32]

Goal: fetch at >= 60% of the bare route's throughput, p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ADMIN = "sk-bench-admin"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_chorus(port: int, data_dir: str) -> None:
    import uvicorn

    from chorus.app import create_app
    from chorus.config import Settings

    # Limits stay on (their checks are part of every request's cost) but high enough that
    # the load is never refused.
    settings = Settings(
        data_dir=Path(data_dir),
        port=port,
        admin_key=ADMIN,
        rate_fetch_per_min=10**9,
        rate_submit_per_min=10**9,
        max_queue=10**6,
        max_running_per_key=10**6,
        default_key_credits=10**9,
        log_level="WARNING",
    )
    app = create_app(settings, run_worker=False)
    uvicorn.run(
        app, port=port, loop="uvloop", http="httptools", access_log=False, log_level="warning"
    )


def serve_bare(port: int, body_file: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(body_file).read_bytes()

    async def fetch(_request: Request) -> Response:
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/suno/fetch/{task_id}", fetch)])
    uvicorn.run(
        app, port=port, loop="uvloop", http="httptools", access_log=False, log_level="warning"
    )


def _spawn(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    process = subprocess.Popen([sys.executable, __file__, *args[:1], str(port), *args[1:]])
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/", timeout=0.5)
            return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


async def load(
    call: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    base: str,
    seconds: float,
    concurrency: int,
) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency (ms) of ``call`` for ``seconds``."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm the connections
            await call(client)
        stop = time.perf_counter() + seconds

        async def user() -> None:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                answer = await call(client)
                latencies.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text

        began = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return len(latencies) / elapsed, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        chorus, base = _spawn("--serve-chorus", tmp)
        try:
            key = httpx.post(
                f"{base}/admin/keys", json={"name": "bench"}, headers={"Authorization": ADMIN}
            ).json()["key"]
            headers = {"Authorization": f"Bearer {key}"}
            task_id = httpx.post(
                f"{base}/suno/submit/music",
                headers=headers,
                json={"gpt_description_prompt": "benchmarks at dawn"},
            ).json()["data"]
            body = httpx.get(f"{base}/suno/fetch/{task_id}", headers=headers).content
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            bare, bare_base = _spawn("--serve-bare", str(body_file))
            try:
                path = f"/suno/fetch/{task_id}"
                results = {
                    "bare starlette route": asyncio.run(
                        load(lambda c: c.get(path), bare_base, args.seconds, args.concurrency)
                    ),
                    "GET /suno/fetch/{id}": asyncio.run(
                        load(
                            lambda c: c.get(path, headers=headers),
                            base,
                            args.seconds,
                            args.concurrency,
                        )
                    ),
                    "POST /suno/submit/lyrics": asyncio.run(
                        load(
                            lambda c: c.post(
                                "/suno/submit/lyrics",
                                headers=headers,
                                json={"prompt": "a song about load"},
                            ),
                            base,
                            args.seconds,
                            args.concurrency,
                        )
                    ),
                }
            finally:
                bare.terminate()
                bare.wait()
        finally:
            chorus.terminate()
            chorus.wait()
    bare_rps = results["bare starlette route"][0]
    print(
        f"{len(body)}-byte answer, concurrency {args.concurrency}, {args.seconds:g} s each, "
        f"{os.cpu_count()} CPUs (client and server share them)"
    )
    print(f"{'route':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs bare':>10}")
    for name, (rps, p50, p99) in results.items():
        print(f"{name:<28}{rps:>10.0f}{p50:>10.2f}{p99:>10.2f}{rps / bare_rps:>10.0%}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-chorus":
        serve_chorus(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--serve-bare":
        serve_bare(int(sys.argv[2]), sys.argv[3])
    else:
        main()
