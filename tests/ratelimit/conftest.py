"""The real Redis server on 127.0.0.1:6379 (``.ci/run`` starts it)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

REDIS_URL = "redis://127.0.0.1:6379/0"


async def _connect() -> Redis:
    client: Redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as exc:
        await client.aclose()
        pytest.skip(f"Redis server at {REDIS_URL} is not running ({exc}); start redis-server")
    return client


@pytest.fixture
async def redis_pair() -> AsyncIterator[tuple[Redis, Redis]]:
    """Two separate connections, as two service processes would hold."""
    first = await _connect()
    second = await _connect()
    try:
        yield first, second
    finally:
        await first.aclose()
        await second.aclose()


@pytest.fixture
async def prefix(redis_pair: tuple[Redis, Redis]) -> AsyncIterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    value = f"chorus-test:{uuid.uuid4().hex}:"
    yield value
    client = redis_pair[0]
    keys = [k async for k in client.scan_iter(match=value + "*")]
    if keys:
        await client.delete(*keys)
