from __future__ import annotations

import pytest

from chorus.config import Settings
from chorus.exceptions import ChorusError
from chorus.ratelimit import (
    AdmissionPolicy,
    MemoryRateLimiter,
    QueueFull,
    Rate,
    RateLimited,
    Rates,
    TooManyRunning,
    enforce,
    retry_after_header,
)


@pytest.mark.parametrize(
    ("seconds", "header"), [(0.0, "1"), (0.01, "1"), (1.0, "1"), (1.2, "2"), (59.9, "60")]
)
def test_retry_after_header_rounds_up(seconds: float, header: str) -> None:
    assert retry_after_header(seconds) == header


def test_error_classes_carry_status_code_and_retry_after() -> None:
    cases: list[tuple[ChorusError, int, str]] = [
        (RateLimited(2.5), 429, "rate_limited"),
        (TooManyRunning(4), 429, "concurrency_limit"),
        (QueueFull(200), 503, "service_busy"),
    ]
    for err, status, code in cases:
        assert isinstance(err, ChorusError)
        assert (err.status_code, err.code) == (status, code)
        assert int(err.headers["Retry-After"]) >= 1  # type: ignore[attr-defined]
        assert err.message
    assert RateLimited(2.5).headers == {"Retry-After": "3"}
    assert "4" in TooManyRunning(4).message
    assert "200" in QueueFull(200).message


async def test_enforce_raises_with_the_limiter_retry_after() -> None:
    now = [0.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    rate = Rate.per_minute(2)
    await enforce(limiter, "submit:k", rate)
    await enforce(limiter, "submit:k", rate)
    with pytest.raises(RateLimited) as info:
        await enforce(limiter, "submit:k", rate)
    assert info.value.retry_after_s == pytest.approx(rate.interval_s)
    assert info.value.headers["Retry-After"] == str(int(rate.interval_s))


def test_rates_and_admission_from_settings() -> None:
    settings = Settings(
        rate_submit_per_min=7, rate_fetch_per_min=70, max_running_per_key=2, max_queue=9
    )
    rates = Rates.from_settings(settings)
    assert (rates.submit.limit, rates.submit.period_s) == (7, 60.0)
    assert rates.fetch.capacity == 70
    assert AdmissionPolicy.from_settings(settings) == AdmissionPolicy(2, 9)


def test_default_settings() -> None:
    s = Settings()
    assert (s.rate_submit_per_min, s.rate_fetch_per_min) == (30, 600)
    assert (s.max_running_per_key, s.max_queue) == (4, 200)
    assert (s.hooks_allow_private, s.hooks_max_age_s, s.hooks_timeout_s) == (False, 21600, 10)


def test_admission_policy() -> None:
    policy = AdmissionPolicy(max_running_per_key=2, max_queue=3)
    policy.check(unfinished_for_key=0, queued_total=0)
    policy.check(unfinished_for_key=1, queued_total=2)
    with pytest.raises(TooManyRunning):
        policy.check(unfinished_for_key=2, queued_total=0)
    with pytest.raises(QueueFull):
        policy.check(unfinished_for_key=0, queued_total=3)
    # A full service answers 503 to everyone, before any per-key verdict.
    with pytest.raises(QueueFull):
        policy.check(unfinished_for_key=5, queued_total=3)
