"""GCRA in Redis: one limit shared by every service process.

The whole step runs in one Lua script, so concurrent hits from several processes are
serialized by Redis and none can slip through between a read and a write. The script
reads Redis's own clock (``TIME``), so processes whose clocks disagree still share one
timeline. Each key expires once its TAT has passed: idle keys cost no memory.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from chorus.ratelimit.base import Decision, Rate

# KEYS[1]: the key; ARGV[1]: emission interval (s); ARGV[2]: burst capacity.
# Returns {allowed (0/1), retry_after_s as a string, remaining}: Lua numbers returned to
# Redis become integers, so the fractional value travels as a string.
_GCRA_LUA = """
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - capacity * interval
if allow_at - now > 0.000001 then
  return {0, string.format('%.6f', allow_at - now), 0}
end
redis.call('SET', KEYS[1], string.format('%.6f', new_tat),
           'PX', math.ceil((new_tat - now) * 1000) + 1)
return {1, '0', math.max(0, math.floor((now - allow_at + 0.000001) / interval))}
"""


class RedisRateLimiter:
    """:class:`~chorus.ratelimit.base.RateLimiter` on a Redis server.

    ``client`` is a ``redis.asyncio.Redis`` the caller owns (and closes); every key is
    stored under ``prefix``.
    """

    def __init__(self, client: Redis, *, prefix: str = "chorus:rl:") -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_GCRA_LUA)

    async def hit(self, key: str, limit: Rate) -> Decision:
        reply: Any = await self._script(
            keys=[self._prefix + key], args=[repr(limit.interval_s), limit.capacity]
        )
        allowed, retry_after, remaining = reply
        return Decision(bool(int(allowed)), float(retry_after), int(remaining))
