"""What a rate limiter is: a rate, a decision, and the one-method Protocol.

The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as one
timestamp per key): each request pushes the key's "theoretical arrival time" (TAT) one
emission interval ``period_s / limit`` further; a request is refused while the TAT would
run more than ``burst`` intervals ahead of now. So a key may send ``burst`` requests at
once, then one per interval, and an idle key refills at the same pace. One float per key,
no timers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Float noise in sums of intervals (and microsecond clocks) must not refuse a request that
# is exactly on time.
EPSILON_S = 1e-6


@dataclass(frozen=True, slots=True)
class Rate:
    """``limit`` requests per ``period_s`` seconds, bursting up to ``burst`` (default
    ``limit``) at once."""

    limit: int
    period_s: float = 60.0
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period_s <= 0:
            raise ValueError("a rate needs limit >= 1 and period_s > 0")
        if self.burst is not None and self.burst < 1:
            raise ValueError("burst must be >= 1")

    @classmethod
    def per_minute(cls, limit: int, burst: int | None = None) -> Rate:
        return cls(limit, 60.0, burst)

    @property
    def interval_s(self) -> float:
        """Seconds between requests at the sustained rate."""
        return self.period_s / self.limit

    @property
    def capacity(self) -> int:
        """Requests allowed at once from a full bucket."""
        return self.burst if self.burst is not None else self.limit


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer for one request: ``retry_after_s`` is 0 when allowed, else the seconds
    until one more request would be; ``remaining`` is how many more would pass right now."""

    allowed: bool
    retry_after_s: float
    remaining: int


class RateLimiter(Protocol):
    """Counts a request against ``key`` and says whether it may proceed.

    Keys name both the client and the kind of request (``"submit:<key id>"``): one key
    must always be hit with the same :class:`Rate`.
    """

    async def hit(self, key: str, limit: Rate) -> Decision: ...


def gcra(tat: float | None, now: float, rate: Rate) -> tuple[Decision, float | None]:
    """One GCRA step: the decision and the key's new TAT (None when unchanged).

    ``tat`` is the stored theoretical arrival time (None for an unknown key), ``now`` the
    current time, both in seconds on the same clock.
    """
    interval = rate.interval_s
    base = now if tat is None or tat < now else tat
    new_tat = base + interval
    allow_at = new_tat - rate.capacity * interval
    if allow_at - now > EPSILON_S:
        return Decision(False, allow_at - now, 0), None
    remaining = max(0, int((now - allow_at + EPSILON_S) / interval))
    return Decision(True, 0.0, remaining), new_tat
