"""Mapping answers to typed errors: chorus/client/errors.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from chorus.client import errors
from chorus.client.errors import (
    AuthenticationError,
    ClientError,
    InvalidRequestError,
    QuotaExceeded,
    RateLimitedError,
    ServiceBusy,
    TaskNotFound,
    UpstreamError,
    WaitTimeout,
    error_class,
    make_error,
    parse_retry_after,
)
from chorus.exceptions import ChorusError


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "invalid_request", InvalidRequestError),
        (400, None, InvalidRequestError),
        (422, None, InvalidRequestError),
        (401, None, AuthenticationError),
        (403, "unauthorized", AuthenticationError),
        (404, "task_not_exist", TaskNotFound),
        (200, "task_not_exist", TaskNotFound),
        (None, "TASK_NOT_EXIST", TaskNotFound),
        (404, None, TaskNotFound),
        (402, None, QuotaExceeded),
        (403, "quota_not_enough", QuotaExceeded),
        (400, "insufficient_user_quota", QuotaExceeded),
        (429, None, RateLimitedError),
        (429, "internal_error", RateLimitedError),
        (503, None, ServiceBusy),
        (503, "fail_to_fetch_task", ServiceBusy),
        (500, "fail_to_fetch_task", UpstreamError),
        (500, None, UpstreamError),
        (502, None, UpstreamError),
        (200, "internal_error", UpstreamError),
        (418, None, ClientError),
        (None, "something_new", ClientError),
    ],
)
def test_error_class(status: int | None, code: str | None, expected: type[ClientError]) -> None:
    assert error_class(status, code) is expected


def test_make_error_keeps_what_the_server_said() -> None:
    error = make_error(403, "quota_not_enough", "no credits left", payload={"code": "x"})
    assert isinstance(error, QuotaExceeded)
    assert (error.status_code, error.code, error.message) == (
        403,
        "quota_not_enough",
        "no credits left",
    )
    assert error.payload == {"code": "x"}
    assert str(error) == "no credits left"


def test_make_error_defaults_to_the_class() -> None:
    error = make_error(None, "task_not_exist", None)
    assert error.status_code == TaskNotFound.status_code
    assert error.message == (TaskNotFound.__doc__ or "").strip()


def test_rate_limited_reads_retry_after_header() -> None:
    error = make_error(429, None, "slow down", headers={"retry-after": "7"})
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 7.0
    assert make_error(429, None, None).retry_after is None  # type: ignore[attr-defined]


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now)
        == 30.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    )
    for bad in (None, "", "soon", "nan", "inf"):
        assert parse_retry_after(bad) is None
    assert parse_retry_after("-3") == 0.0


def test_every_error_is_a_chorus_error() -> None:
    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, Exception)
    ]
    assert len(classes) >= 13
    for cls in classes:
        assert issubclass(cls, ChorusError)
        assert cls.code and 400 <= cls.status_code < 600


def test_wait_timeout_is_a_timeout_error() -> None:
    error = WaitTimeout("late")
    assert isinstance(error, TimeoutError) and isinstance(error, ClientError)
    assert error.task is None and error.message == "late"
    with pytest.raises(TimeoutError):
        raise error
