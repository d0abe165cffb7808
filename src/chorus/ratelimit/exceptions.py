"""Errors of the rate and capacity limits.

Each carries the ``headers`` its answer must include (``Retry-After``); the service's
exception handler copies ``getattr(exc, "headers", {})`` onto the response.
"""

from __future__ import annotations

import math

from chorus.exceptions import ChorusError


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` value: whole seconds, rounded up, at least 1 (RFC 9110 delay-seconds)."""
    return str(max(1, math.ceil(seconds)))


class RateLimited(ChorusError):  # noqa: N818 - named for the HTTP answer
    """Too many requests for this key; retry later."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after_s: float, message: str | None = None) -> None:
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": retry_after_header(retry_after_s)}
        super().__init__(
            message or f"Too many requests for this key; retry in {self.headers['Retry-After']} s."
        )


class TooManyRunning(ChorusError):  # noqa: N818 - named for the HTTP answer
    """This key already has as many unfinished tasks as it may; retry when one finishes."""

    status_code = 429
    code = "concurrency_limit"

    def __init__(self, limit: int, retry_after_s: float = 10.0) -> None:
        self.limit = limit
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": retry_after_header(retry_after_s)}
        super().__init__(
            f"This key already has {limit} unfinished tasks, its limit; "
            "submit again when one finishes."
        )


class QueueFull(ChorusError):  # noqa: N818 - named for the HTTP answer
    """The service is busy: too many tasks are waiting; retry later."""

    status_code = 503
    code = "service_busy"

    def __init__(self, limit: int, retry_after_s: float = 30.0) -> None:
        self.limit = limit
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": retry_after_header(retry_after_s)}
        super().__init__(
            f"The service is busy: {limit} tasks are already waiting, its limit; "
            "submit again later."
        )
