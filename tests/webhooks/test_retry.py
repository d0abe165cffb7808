from __future__ import annotations

import itertools
import random

import pytest

from chorus.config import Settings
from chorus.webhooks.retry import RetryPolicy


def _schedule(policy: RetryPolicy, first: float = 1_700_000_000.0) -> list[float]:
    """Attempt times of a delivery that fails every time, until the policy gives up."""
    times = [first]
    while (nxt := policy.next_attempt(len(times), first, times[-1])) is not None:
        times.append(nxt)
    return times


def test_delays_double_then_cap() -> None:
    policy = RetryPolicy(jitter=0)
    delays = [policy.delay(n) for n in range(1, 20)]
    assert delays[0] == policy.base_s
    for before, after in itertools.pairwise(delays):
        assert after == min(policy.max_delay_s, before * policy.factor)
    assert max(delays) == policy.max_delay_s


def test_gives_up_at_max_age_with_a_last_try_on_the_deadline() -> None:
    policy = RetryPolicy(jitter=0)
    times = _schedule(policy)
    first = times[0]
    assert times[-1] == policy.deadline(first) == first + 6 * 3600
    assert all(b > a for a, b in itertools.pairwise(times))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) == policy.max_delay_s
    # Hours of retrying: the doubling phase, then one try per max_delay_s until the deadline.
    assert policy.next_attempt(len(times), first, times[-1]) is None


@pytest.mark.parametrize("seed", range(5))
def test_jitter_stays_within_bounds(seed: int) -> None:
    policy = RetryPolicy(jitter=0.2, rng=random.Random(seed))
    exact = RetryPolicy(jitter=0)
    for attempts in range(1, 30):
        d = policy.delay(attempts)
        nominal = exact.delay(attempts)
        assert 0.8 * nominal <= d <= 1.2 * nominal
    spread = {round(policy.delay(3), 6) for _ in range(50)}
    assert len(spread) > 1


def test_schedule_is_relative_to_now_not_to_the_plan() -> None:
    # A worker down for an hour resumes with the next delay from now, not a burst of retries.
    policy = RetryPolicy(jitter=0)
    first = 1000.0
    late = first + 3600
    assert policy.next_attempt(3, first, late) == late + policy.delay(3)


def test_after_restart_past_the_deadline_it_gives_up() -> None:
    policy = RetryPolicy(jitter=0, max_age_s=60)
    assert policy.next_attempt(1, 0.0, 59.0) == 60.0
    assert policy.next_attempt(1, 0.0, 60.0) is None
    assert policy.next_attempt(1, 0.0, 10_000.0) is None


def test_huge_attempt_counts_do_not_overflow() -> None:
    assert RetryPolicy(jitter=0).delay(10_000) == 1800.0


def test_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHORUS_HOOKS_MAX_AGE_S", "120")
    policy = RetryPolicy.from_settings(Settings())
    assert policy.max_age_s == 120
    assert Settings().hooks_timeout_s == 10
    assert RetryPolicy.from_settings(Settings(hooks_max_age_s=7200)).max_age_s == 7200


@pytest.mark.parametrize(
    "kwargs",
    [{"base_s": 0}, {"factor": 0.5}, {"max_delay_s": 1}, {"max_age_s": 0}, {"jitter": 1.0}],
)
def test_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_attempts_start_at_one() -> None:
    with pytest.raises(ValueError):
        RetryPolicy().delay(0)
