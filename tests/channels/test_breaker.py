"""The circuit breaker: closed, open, half-open, on a hand-moved clock."""

from __future__ import annotations

import pytest

from chorus.channels.breaker import Breaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_opens_after_consecutive_failures(clock: Clock) -> None:
    breaker = Breaker(failures=3, reset_s=10, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    assert breaker.state == "open"
    assert not breaker.allow()
    assert not breaker.available()


def test_success_resets_the_count(clock: Clock) -> None:
    breaker = Breaker(failures=2, reset_s=10, clock=clock)
    breaker.failure()
    breaker.success()
    breaker.failure()
    assert breaker.state == "closed"


def test_half_open_lets_one_probe_through(clock: Clock) -> None:
    breaker = Breaker(failures=1, reset_s=10, clock=clock)
    breaker.failure()
    clock.now += 9.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.state == "half-open"
    assert breaker.allow()
    # Only one probe at a time.
    assert not breaker.allow()
    breaker.success()
    assert breaker.state == "closed"
    assert breaker.allow()


def test_failed_probe_opens_again_for_a_full_period(clock: Clock) -> None:
    breaker = Breaker(failures=3, reset_s=10, clock=clock)
    for _ in range(3):
        breaker.failure()
    clock.now += 10
    assert breaker.allow()
    breaker.failure()
    assert breaker.state == "open"
    clock.now += 9
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_released_probe_frees_the_slot(clock: Clock) -> None:
    breaker = Breaker(failures=1, reset_s=5, clock=clock)
    breaker.failure()
    clock.now += 5
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()
