"""One delivery attempt: POST a body to a hook and say how it went.

Nothing here raises for a failed delivery: every way a receiver can fail (an error status,
a redirect, a timeout, a refused connection, a blocked address) becomes a
:class:`DeliveryOutcome` with a readable reason, which the caller records and feeds to the
retry policy. Only a 2xx answer counts as delivered. Redirects are never followed (a 3xx
is a failure naming its Location) so a hook cannot bounce requests to another host.
At most :data:`MAX_RESPONSE_BYTES` of the answer are read: receivers answering with a
huge or endless body cost us nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from chorus.webhooks.urlguard import InvalidHookURL

MAX_RESPONSE_BYTES = 4096
_MAX_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How one attempt went.

    ``status_code`` is None when no answer arrived; ``error`` is empty on success;
    ``response_excerpt`` holds the first bytes of the answer (decoded leniently) for the
    admin's view; ``duration_s`` is wall time of the attempt in seconds.
    """

    ok: bool
    status_code: int | None
    error: str
    duration_s: float
    response_excerpt: str = ""


def encode_body(payload: Mapping[str, Any] | list[Any]) -> bytes:
    """Compact UTF-8 JSON: the bytes that are both signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _excerpt(data: bytes) -> str:
    return data[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")


def _short(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def _describe(exc: BaseException) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__}: {detail})"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {detail}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"receiver broke the HTTP protocol: {detail}"
    return f"{type(exc).__name__}: {detail}"


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout_s: float,
) -> DeliveryOutcome:
    """POST ``body`` to ``url`` once, within ``timeout_s`` seconds for the whole attempt.

    ``headers`` are the signature headers (and any others); ``Content-Type`` defaults to
    ``application/json``. Use a client from :func:`chorus.webhooks.transport.make_hook_client`
    so the connected address is checked too.
    """
    # identity: the excerpt cap must bound what we hold, not what a decompressor makes.
    sent_headers = {"Content-Type": "application/json", "Accept-Encoding": "identity", **headers}
    started = time.monotonic()
    status: int | None = None
    received = b""
    try:
        # One deadline for everything, so a receiver dripping its answer byte by byte
        # cannot hold the attempt open past the per-phase timeouts.
        with anyio.fail_after(timeout_s):
            async with client.stream(
                "POST",
                url,
                content=body,
                headers=sent_headers,
                timeout=httpx.Timeout(timeout_s),
                follow_redirects=False,
            ) as response:
                status = response.status_code
                async for chunk in response.aiter_raw():
                    received += chunk
                    if len(received) >= MAX_RESPONSE_BYTES:
                        break
                location = response.headers.get("location", "")
    except TimeoutError:
        return _failed(status, f"timed out after {timeout_s:g} s", started, received)
    except InvalidHookURL as exc:
        return _failed(None, exc.message, started, received)
    except httpx.InvalidURL as exc:
        return _failed(None, f"notify_hook is not a valid URL: {exc}", started, received)
    except httpx.HTTPError as exc:
        return _failed(status, _describe(exc), started, received)
    except OSError as exc:
        return _failed(status, f"connection failed: {exc}", started, received)

    duration = time.monotonic() - started
    if 200 <= status < 300:
        return DeliveryOutcome(True, status, "", duration, _excerpt(received))
    if 300 <= status < 400:
        where = f" to {location}" if location else ""
        reason = f"HTTP {status}: redirect{where} not followed"
    else:
        reason = f"HTTP {status}"
    return DeliveryOutcome(False, status, _short(reason), duration, _excerpt(received))


def _failed(status: int | None, reason: str, started: float, received: bytes) -> DeliveryOutcome:
    return DeliveryOutcome(
        False, status, _short(reason), time.monotonic() - started, _excerpt(received)
    )
