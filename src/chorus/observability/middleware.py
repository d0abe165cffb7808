"""Request ids and HTTP metrics, as a pure ASGI middleware.

Pure ASGI rather than Starlette's ``BaseHTTPMiddleware``: that one runs the app in a
separate task and funnels the body through a stream, which delays streaming answers (the
SSE chat route) and detaches contextvars. Here the app is awaited directly and ``send`` is
only wrapped, so every chunk goes out the moment the app sends it.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chorus.observability.logging import request_id_var
from chorus.observability.metrics import Metrics

REQUEST_ID_HEADER = "x-request-id"
# Accept ids from proxies and tracers (UUIDs, hex, base64url-ish); anything else could
# smuggle text into logs, so it is replaced.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """The incoming id when it is sane, else a fresh one."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return new_request_id()


def route_template(scope: MutableMapping[str, Any]) -> str | None:
    """The matched route's path template (``/suno/fetch/{task_id}``), or None.

    Starlette's router stores the matched route in ``scope["route"]``; the middleware reads
    it after the app ran, since the scope dict is shared and updated in place.
    """
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class RequestContextMiddleware:
    """Gives every HTTP request an id (``X-Request-ID`` in and out, bound in the log
    context) and, with ``metrics``, counts it and times it to the end of its body."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == REQUEST_ID_HEADER.encode():
                incoming = value.decode("latin-1")
                break
        request_id = accept_request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            if self.metrics is not None:
                self.metrics.observe_http(
                    scope.get("method", "GET"),
                    route_template(scope),
                    status,
                    time.perf_counter() - started,
                )
