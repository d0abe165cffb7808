"""When to try a failed delivery again.

Exponential backoff (5 s, 10 s, 20 s... capped at 30 min) with random jitter so hooks that
failed together do not retry together, until ``max_age_s`` after the first attempt (6 h by
default, ``CHORUS_HOOKS_MAX_AGE_S``). The last retry is pulled in to land exactly on that
deadline rather than being dropped, so a receiver that comes back just before it still gets
the message. Times are unix seconds so schedules stored in the database survive restarts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from chorus.config import Settings


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff schedule: ``base_s * factor**(attempts-1)`` capped at ``max_delay_s``, each
    delay scaled by a random factor in ``[1-jitter, 1+jitter]``; no attempt is scheduled
    later than ``max_age_s`` after the first one."""

    base_s: float = 5.0
    factor: float = 2.0
    max_delay_s: float = 1800.0
    max_age_s: float = 21600.0
    jitter: float = 0.1
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.base_s <= 0 or self.factor < 1 or self.max_delay_s < self.base_s:
            raise ValueError("need base_s > 0, factor >= 1 and max_delay_s >= base_s")
        if self.max_age_s <= 0 or not 0 <= self.jitter < 1:
            raise ValueError("need max_age_s > 0 and 0 <= jitter < 1")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy configured for the service (``hooks_max_age_s``)."""
        return cls(max_age_s=settings.hooks_max_age_s)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1-based), jittered."""
        if attempts < 1:
            raise ValueError("attempts counts attempts made, starting at 1")
        # Cap the exponent first: factor**attempts overflows a float after ~1000 attempts.
        exponent = min(attempts - 1, 64)
        raw = min(self.max_delay_s, self.base_s * self.factor**exponent)
        if self.jitter:
            raw *= self.rng.uniform(1 - self.jitter, 1 + self.jitter)
        return raw

    def deadline(self, first_attempt_at: float) -> float:
        """Unix time after which the delivery is given up."""
        return first_attempt_at + self.max_age_s

    def next_attempt(self, attempts: int, first_attempt_at: float, now: float) -> float | None:
        """Unix time of the next attempt after ``attempts`` failed ones, or None to give up.

        ``first_attempt_at`` and ``now`` are unix seconds.
        """
        deadline = self.deadline(first_attempt_at)
        if now >= deadline:
            return None
        return min(now + self.delay(attempts), deadline)
