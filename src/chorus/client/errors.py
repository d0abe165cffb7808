"""Typed errors of the client, one class per contract error code.

Every error derives from :class:`ClientError`, itself a :class:`~chorus.exceptions.ChorusError`,
so the service can relay an upstream error with the same handler as its own. An instance's
``status_code`` and ``code`` are what the server answered when it answered (they default to
the class's).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from chorus.exceptions import ChorusError

if TYPE_CHECKING:
    from chorus.client.models import Task


class ClientError(ChorusError):
    """The server refused the request."""

    status_code = 400
    code = "client_error"

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int | None = None,
        code: str | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code
        if code:
            self.code = code
        #: The decoded error body, when there was one.
        self.payload = payload


class InvalidRequestError(ClientError):
    """The request is not valid."""

    status_code = 400
    code = "invalid_request"


class AuthenticationError(ClientError):
    """The API key was refused."""

    status_code = 401
    code = "unauthorized"


class TaskNotFound(ClientError):  # noqa: N818 - the contract\'s name
    """No such task."""

    status_code = 404
    code = "task_not_exist"


class QuotaExceeded(ClientError):  # noqa: N818 - the contract\'s name
    """The account's quota is used up."""

    status_code = 402
    code = "quota_not_enough"


class RateLimitedError(ClientError):
    """Too many requests; retry later."""

    status_code = 429
    code = "rate_limited"

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        status_code: int | None = None,
        code: str | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(message, status_code=status_code, code=code, payload=payload)
        #: Seconds the server asked to wait (its Retry-After header), if it said.
        self.retry_after = retry_after


class ServiceBusy(ClientError):  # noqa: N818 - the contract\'s name
    """The service is busy; retry later."""

    status_code = 503
    code = "service_busy"


class UpstreamError(ClientError):
    """The server failed to answer the request."""

    status_code = 502
    code = "fail_to_fetch_task"


class InvalidResponse(UpstreamError):  # noqa: N818 - the contract\'s name
    """The server's answer is not one of the Suno task API's shapes."""

    code = "invalid_response"


class DownloadError(ClientError):
    """A clip's file could not be downloaded."""

    status_code = 502
    code = "download_failed"


class TransportError(ClientError):
    """The server could not be reached."""

    status_code = 503
    code = "transport_error"


class WaitTimeout(ClientError, TimeoutError):  # noqa: N818 - the contract\'s name
    """The task did not finish in time."""

    status_code = 504
    code = "wait_timeout"

    def __init__(self, message: str | None = None, *, task: Task | None = None) -> None:
        super().__init__(message)
        #: The task as last seen, if it was seen at all.
        self.task = task


class TaskFailed(ClientError):  # noqa: N818 - the contract\'s name
    """The task failed."""

    status_code = 500
    code = "task_failed"

    def __init__(self, task: Task) -> None:
        super().__init__(task.fail_reason or f"task {task.task_id} failed")
        self.task = task


_BY_CODE: dict[str, type[ClientError]] = {
    "invalid_request": InvalidRequestError,
    "invalid_params": InvalidRequestError,
    "bad_request": InvalidRequestError,
    "unauthorized": AuthenticationError,
    "invalid_api_key": AuthenticationError,
    "invalid_token": AuthenticationError,
    "forbidden": AuthenticationError,
    "task_not_exist": TaskNotFound,
    "task_not_found": TaskNotFound,
    "not_found": TaskNotFound,
    "quota_not_enough": QuotaExceeded,
    "insufficient_user_quota": QuotaExceeded,
    "insufficient_quota": QuotaExceeded,
    "rate_limited": RateLimitedError,
    "rate_limit_exceeded": RateLimitedError,
    "too_many_requests": RateLimitedError,
    "service_busy": ServiceBusy,
    "service_unavailable": ServiceBusy,
    "overloaded": ServiceBusy,
    "fail_to_fetch_task": UpstreamError,
    "internal_error": UpstreamError,
    "engine_error": UpstreamError,
    "upstream_error": UpstreamError,
}

_BY_STATUS: dict[int, type[ClientError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: QuotaExceeded,
    403: AuthenticationError,
    404: TaskNotFound,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitedError,
    503: ServiceBusy,
}


def error_class(status_code: int | None, code: str | None) -> type[ClientError]:
    """The error class for an HTTP status and a contract ``code`` (either may be unknown).

    A known code wins, since it is the more precise of the two, except that a 429 or 503
    stays a retryable error whatever code came with it.
    """
    if status_code in (429, 503):
        return _BY_STATUS[status_code]
    if code:
        key = code.strip().lower().replace("-", "_").replace(" ", "_")
        if key in _BY_CODE:
            return _BY_CODE[key]
    if status_code is None:
        return ClientError
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    if status_code >= 500:
        return UpstreamError
    return ClientError


def make_error(
    status_code: int | None,
    code: str | None,
    message: str | None,
    *,
    headers: Mapping[str, str] | None = None,
    payload: Any = None,
) -> ClientError:
    """Build the typed error for an answer (``headers`` give Retry-After to 429s)."""
    cls = error_class(status_code, code)
    status = status_code if status_code is not None and status_code >= 400 else None
    if issubclass(cls, RateLimitedError):
        retry = parse_retry_after(headers.get("retry-after") if headers else None)
        return cls(message, retry_after=retry, status_code=status, code=code, payload=payload)
    return cls(message, status_code=status, code=code, payload=payload)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
