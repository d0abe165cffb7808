"""Per-key request rates, per-key concurrency and the global queue bound.

In the request path: resolve the API key, then ``await limiter.hit(f"submit:{key_id}",
rates.submit)`` (or ``fetch``) and raise :class:`RateLimited` when refused; on submit,
count the key's unfinished tasks and the queue in the same transaction that inserts the
task and call :meth:`AdmissionPolicy.check`.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.config import Settings
from chorus.ratelimit.admission import AdmissionPolicy
from chorus.ratelimit.base import Decision, Rate, RateLimiter, gcra
from chorus.ratelimit.exceptions import (
    QueueFull,
    RateLimited,
    TooManyRunning,
    retry_after_header,
)
from chorus.ratelimit.memory import MemoryRateLimiter
from chorus.ratelimit.redis_limiter import RedisRateLimiter


@dataclass(frozen=True, slots=True)
class Rates:
    """The configured rate of each limited kind of request."""

    submit: Rate
    fetch: Rate

    @classmethod
    def from_settings(cls, settings: Settings) -> Rates:
        return cls(
            submit=Rate.per_minute(settings.rate_submit_per_min),
            fetch=Rate.per_minute(settings.rate_fetch_per_min),
        )


async def enforce(limiter: RateLimiter, key: str, rate: Rate) -> Decision:
    """Count one request; raise :class:`RateLimited` (429, ``Retry-After``) if refused."""
    decision = await limiter.hit(key, rate)
    if not decision.allowed:
        raise RateLimited(decision.retry_after_s)
    return decision


__all__ = [
    "AdmissionPolicy",
    "Decision",
    "MemoryRateLimiter",
    "QueueFull",
    "Rate",
    "RateLimited",
    "RateLimiter",
    "Rates",
    "RedisRateLimiter",
    "TooManyRunning",
    "enforce",
    "gcra",
    "retry_after_header",
]
