from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.ratelimit import MemoryRateLimiter, Rate, gcra


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.mark.parametrize("rate", [Rate.per_minute(30), Rate.per_minute(600), Rate(5, 1.0, 2)])
async def test_burst_then_refused(clock: FakeClock, rate: Rate) -> None:
    limiter = MemoryRateLimiter(clock=clock)
    remaining = [(await limiter.hit("k", rate)).remaining for _ in range(rate.capacity)]
    assert remaining == list(range(rate.capacity - 1, -1, -1))
    refused = await limiter.hit("k", rate)
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.retry_after_s == pytest.approx(rate.interval_s)


async def test_retry_after_is_exact(clock: FakeClock) -> None:
    rate = Rate.per_minute(30)
    limiter = MemoryRateLimiter(clock=clock)
    for _ in range(rate.capacity):
        assert (await limiter.hit("k", rate)).allowed
    clock.advance(0.5)
    refused = await limiter.hit("k", rate)
    assert refused.retry_after_s == pytest.approx(rate.interval_s - 0.5)
    clock.advance(refused.retry_after_s - 0.01)
    assert not (await limiter.hit("k", rate)).allowed
    clock.advance(0.01)
    assert (await limiter.hit("k", rate)).allowed
    assert not (await limiter.hit("k", rate)).allowed


async def test_refill_at_the_sustained_rate(clock: FakeClock) -> None:
    rate = Rate(10, 10.0)
    limiter = MemoryRateLimiter(clock=clock)
    for _ in range(10):
        await limiter.hit("k", rate)
    for n in range(1, 4):
        clock.advance(rate.interval_s * n)
        allowed = 0
        while (await limiter.hit("k", rate)).allowed:
            allowed += 1
        assert allowed == n
    clock.advance(rate.period_s * 5)  # long idle: the bucket is full again, not overfull
    decisions = [await limiter.hit("k", rate) for _ in range(rate.capacity + 1)]
    assert [d.allowed for d in decisions].count(True) == rate.capacity


async def test_refusals_do_not_consume(clock: FakeClock) -> None:
    rate = Rate(2, 2.0)
    limiter = MemoryRateLimiter(clock=clock)
    await limiter.hit("k", rate)
    await limiter.hit("k", rate)
    for _ in range(100):
        assert not (await limiter.hit("k", rate)).allowed
    clock.advance(rate.interval_s)
    assert (await limiter.hit("k", rate)).allowed


async def test_keys_are_independent(clock: FakeClock) -> None:
    rate = Rate(1, 60.0)
    limiter = MemoryRateLimiter(clock=clock)
    assert (await limiter.hit("submit:a", rate)).allowed
    assert not (await limiter.hit("submit:a", rate)).allowed
    assert (await limiter.hit("submit:b", rate)).allowed
    assert (await limiter.hit("fetch:a", rate)).allowed


async def test_idle_keys_are_evicted(clock: FakeClock) -> None:
    rate = Rate(10, 1.0)
    limiter = MemoryRateLimiter(clock=clock, sweep_every=100)
    for i in range(99):
        await limiter.hit(f"k{i}", rate)
    assert len(limiter) == 99
    clock.advance(rate.interval_s * 2)  # every bucket is full again
    await limiter.hit("fresh", rate)  # the 100th hit sweeps
    assert len(limiter) == 1


async def test_memory_is_bounded(clock: FakeClock) -> None:
    rate = Rate(10, 3600.0)
    limiter = MemoryRateLimiter(clock=clock, max_keys=50)
    for i in range(1000):
        await limiter.hit(f"k{i}", rate)
        assert len(limiter) <= 50
    # The most recent keys are the ones kept.
    assert (await limiter.hit("k999", rate)).remaining == rate.capacity - 2


def test_hit_now_without_a_loop(clock: FakeClock) -> None:
    limiter = MemoryRateLimiter(clock=clock)
    assert limiter.hit_now("k", Rate(1)).allowed
    assert not limiter.hit_now("k", Rate(1)).allowed


@pytest.mark.parametrize(
    "bad", [{"limit": 0}, {"limit": 1, "period_s": 0}, {"limit": 1, "burst": 0}]
)
def test_rate_validation(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Rate(**bad)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(1, 20),
    period=st.floats(0.5, 100.0),
    burst=st.one_of(st.none(), st.integers(1, 20)),
    gaps=st.lists(st.floats(0.0, 5.0), min_size=1, max_size=200),
)
def test_never_more_than_burst_plus_rate_in_any_window(
    limit: int, period: float, burst: int | None, gaps: list[float]
) -> None:
    rate = Rate(limit, period, burst)
    tat: float | None = None
    now = 0.0
    allowed_at: list[float] = []
    for gap in gaps:
        now += gap
        decision, new_tat = gcra(tat, now, rate)
        if decision.allowed:
            allowed_at.append(now)
            tat = new_tat
        else:
            assert new_tat is None
            assert decision.retry_after_s > 0
            # Waiting exactly the advertised time is enough.
            assert gcra(tat, now + decision.retry_after_s + 1e-9, rate)[0].allowed
    for i, start in enumerate(allowed_at):
        for window in (rate.interval_s, period):
            inside = sum(1 for t in allowed_at[i:] if t < start + window)
            assert inside <= rate.capacity + window / rate.interval_s + 1e-6
