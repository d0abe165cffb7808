from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from chorus.ratelimit import Rate, RedisRateLimiter

pytestmark = pytest.mark.redis


async def test_burst_then_refused_with_retry_after(
    redis_pair: tuple[Redis, Redis], prefix: str
) -> None:
    rate = Rate(5, 60.0)
    limiter = RedisRateLimiter(redis_pair[0], prefix=prefix)
    decisions = [await limiter.hit("k", rate) for _ in range(rate.capacity)]
    assert [d.allowed for d in decisions] == [True] * rate.capacity
    assert [d.remaining for d in decisions] == list(range(rate.capacity - 1, -1, -1))
    refused = await limiter.hit("k", rate)
    assert not refused.allowed
    # The burst took a few milliseconds of real time, which already counts as refill.
    assert rate.interval_s - 0.5 < refused.retry_after_s <= rate.interval_s


async def test_two_processes_share_one_budget(redis_pair: tuple[Redis, Redis], prefix: str) -> None:
    rate = Rate(6, 60.0)
    a = RedisRateLimiter(redis_pair[0], prefix=prefix)
    b = RedisRateLimiter(redis_pair[1], prefix=prefix)
    allowed = 0
    for i in range(20):
        decision = await (a if i % 2 else b).hit("shared", rate)
        allowed += decision.allowed
    assert allowed == rate.capacity
    assert (await a.hit("other", rate)).allowed


async def test_concurrent_hits_never_overshoot(
    redis_pair: tuple[Redis, Redis], prefix: str
) -> None:
    rate = Rate(10, 3600.0)
    limiters = [RedisRateLimiter(c, prefix=prefix) for c in redis_pair]
    results = await asyncio.gather(*(limiters[i % 2].hit("race", rate) for i in range(60)))
    assert sum(d.allowed for d in results) == rate.capacity


async def test_waiting_retry_after_is_enough(redis_pair: tuple[Redis, Redis], prefix: str) -> None:
    rate = Rate(3, 0.3)  # one request per 100 ms
    limiter = RedisRateLimiter(redis_pair[0], prefix=prefix)
    for _ in range(rate.capacity):
        assert (await limiter.hit("k", rate)).allowed
    refused = await limiter.hit("k", rate)
    assert not refused.allowed
    await asyncio.sleep(refused.retry_after_s + 0.01)
    assert (await limiter.hit("k", rate)).allowed


async def test_keys_expire_once_idle(redis_pair: tuple[Redis, Redis], prefix: str) -> None:
    client = redis_pair[0]
    rate = Rate(2, 0.2)
    limiter = RedisRateLimiter(client, prefix=prefix)
    await limiter.hit("k", rate)
    ttl_ms = await client.pttl(prefix + "k")
    assert 0 < ttl_ms <= rate.interval_s * 1000 + 1
    await asyncio.sleep(rate.interval_s + 0.05)
    assert await client.exists(prefix + "k") == 0
    assert (await limiter.hit("k", rate)).remaining == rate.capacity - 1
