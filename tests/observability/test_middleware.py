from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from chorus.observability.logging import configure_logging, request_id_var
from chorus.observability.metrics import UNMATCHED_ROUTE, Metrics
from chorus.observability.middleware import RequestContextMiddleware, accept_request_id


@dataclass
class Served:
    base_url: str
    metrics: Metrics
    release_stream: asyncio.Event
    stream_finished: asyncio.Event


def _app(served: Served) -> Starlette:
    log = logging.getLogger("chorus.test.app")

    async def item(request: Request) -> JSONResponse:
        log.info("serving item")
        return JSONResponse(
            {
                "item": request.path_params["item_id"],
                "context_id": request_id_var.get(),
                "state_id": request.state.request_id,
            }
        )

    async def stream(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first\n"
            # Only the client, having read the first chunk, lets the generator go on.
            await asyncio.wait_for(served.release_stream.wait(), 10)
            yield b"second\n"
            served.stream_finished.set()

        return StreamingResponse(chunks(), media_type="text/plain")

    async def boom(request: Request) -> JSONResponse:
        raise RuntimeError("unhandled")

    return Starlette(
        routes=[
            Route("/items/{item_id}", item),
            Route("/stream", stream),
            Route("/boom", boom),
        ],
        middleware=[Middleware(RequestContextMiddleware, metrics=served.metrics)],
    )


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    result = Served(
        f"http://127.0.0.1:{port}", Metrics(process_metrics=False), asyncio.Event(), asyncio.Event()
    )
    config = uvicorn.Config(
        _app(result), log_config=None, lifespan="on", ws="none", http="h11", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield result
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
def log_buffer() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = configure_logging("INFO", json=True, stream=buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_incoming_request_id_is_echoed_and_bound(
    served: Served, log_buffer: io.StringIO
) -> None:
    async with httpx.AsyncClient(base_url=served.base_url) as client:
        response = await client.get("/items/7", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json() == {"item": "7", "context_id": "abc-123", "state_id": "abc-123"}
    lines = [json.loads(x) for x in log_buffer.getvalue().splitlines()]
    [line] = [x for x in lines if x["message"] == "serving item"]
    assert line["request_id"] == "abc-123"


async def test_request_id_generated_when_absent_or_insane(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url) as client:
        first = await client.get("/items/1")
        second = await client.get("/items/1")
        insane = await client.get("/items/1", headers={"X-Request-ID": "<script>alert(1)"})
        too_long = await client.get("/items/1", headers={"X-Request-ID": "a" * 200})
    ids = [r.headers["x-request-id"] for r in (first, second, insane, too_long)]
    for rid in ids:
        assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert len(set(ids)) == 4
    assert first.json()["context_id"] == ids[0]


@pytest.mark.parametrize(
    "value", ["0af7651916cd43dd8448eb211c80319c", "req_01HZX3:api-7", "dGVzdA==", "a/b.c"]
)
def test_common_tracer_ids_are_accepted(value: str) -> None:
    assert accept_request_id(value) == value


async def test_streaming_response_is_not_buffered(served: Served) -> None:
    async with (
        httpx.AsyncClient(base_url=served.base_url) as client,
        client.stream("GET", "/stream", headers={"X-Request-ID": "stream-1"}) as response,
    ):
        assert response.headers["x-request-id"] == "stream-1"
        chunks = response.aiter_raw()
        first = await asyncio.wait_for(anext(chunks), 5)
        assert first == b"first\n"
        assert not served.stream_finished.is_set()
        served.release_stream.set()
        rest = b"".join([chunk async for chunk in chunks])
    assert rest == b"second\n"
    assert served.stream_finished.is_set()


async def test_http_metrics_use_route_templates(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url) as client:
        for item_id in ("1", "2", "three"):
            await client.get(f"/items/{item_id}")
        await client.get("/no/such/path/123")
        boom = await client.get("/boom")
    assert boom.status_code == 500
    value = served.metrics.registry.get_sample_value
    assert (
        value(
            "chorus_http_requests_total",
            {"method": "GET", "route": "/items/{item_id}", "status": "200"},
        )
        == 3
    )
    assert (
        value(
            "chorus_http_requests_total",
            {"method": "GET", "route": UNMATCHED_ROUTE, "status": "404"},
        )
        == 1
    )
    assert (
        value("chorus_http_requests_total", {"method": "GET", "route": "/boom", "status": "500"})
        == 1
    )
    assert (
        value(
            "chorus_http_request_duration_seconds_count",
            {"method": "GET", "route": "/items/{item_id}"},
        )
        == 3
    )
    body, _ = served.metrics.render()
    assert b"/items/1" not in body and b"/items/three" not in body
