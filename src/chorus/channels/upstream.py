"""What every upstream kind offers the router and the poller, and how they fail.

An upstream takes a submit body in this API's own shape and answers an upstream task id;
it fetches many tasks at once and answers them normalized to :class:`chorus.client.Task`,
whatever shape the upstream spoke. Failures come in two kinds the router treats apart:
:class:`UpstreamUnavailable` (transport error, timeout, 429, 5xx, garbage: try the next
channel, count towards the breaker) and :class:`UpstreamRejected` (captcha, refused login,
quota: try the next channel and rest this one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from chorus.client.errors import (
    AuthenticationError,
    ClientError,
    InvalidResponse,
    QuotaExceeded,
    RateLimitedError,
    ServiceBusy,
    TransportError,
    UpstreamError,
)
from chorus.client.models import Task
from chorus.exceptions import ChorusError

_URL = re.compile(r"\b(?:https?|wss?)://\S+", re.IGNORECASE)
_HOST = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\b[\w-]+(?:\.[\w-]+)+:\d+\b")
MAX_REASON = 300


def scrub(text: str) -> str:
    """``text`` without URLs or host:port pairs, so a reason shown to clients never names
    an upstream."""
    cleaned = _HOST.sub("<upstream>", _URL.sub("<upstream>", text))
    return " ".join(cleaned.split())[:MAX_REASON]


class UpstreamUnavailable(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """The upstream could not answer (unreachable, slow, overloaded or garbled)."""

    status_code = 502
    code = "upstream_error"

    def __init__(self, message: str | None = None, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamRejected(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """The upstream account refused the work (captcha, rejected login, quota): the channel
    rests for a while."""

    status_code = 502
    code = "upstream_rejected"


class UpstreamRefused(ChorusError):  # noqa: N818
    """The upstream found the request itself not valid."""

    status_code = 400
    code = "invalid_request"


class UpstreamLost(ChorusError):  # noqa: N818
    """The upstream does not know the task (any more)."""

    status_code = 404
    code = "task_not_exist"


def translate(exc: ClientError) -> ChorusError:
    """Our error for a client error read from an upstream's answer."""
    message = scrub(exc.message)
    if isinstance(exc, RateLimitedError):
        return UpstreamUnavailable(f"rate limited: {message}", retry_after=exc.retry_after)
    if isinstance(exc, ServiceBusy | TransportError | InvalidResponse | UpstreamError):
        return UpstreamUnavailable(message)
    if exc.status_code >= 500 or exc.status_code in (408, 425):
        return UpstreamUnavailable(message)
    if isinstance(exc, AuthenticationError | QuotaExceeded):
        return UpstreamRejected(message)
    if exc.status_code == 404 or exc.code in ("task_not_exist", "task_not_found"):
        return UpstreamLost(message)
    return UpstreamRefused(message)


class Upstream(Protocol):
    """One configured upstream."""

    async def submit_music(self, body: dict[str, Any]) -> str:
        """Start a MUSIC task from a body of this API's shape; the upstream task id."""
        ...

    async def submit_lyrics(self, body: dict[str, Any]) -> str: ...

    async def fetch_many(self, ids: Sequence[str]) -> dict[str, Task]:
        """The tasks the upstream knows among ``ids``, by id (missing ones are left out)."""
        ...

    async def aclose(self) -> None: ...
