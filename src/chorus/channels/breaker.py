"""A circuit breaker per channel: closed, open, half-open.

Closed lets every request through and counts consecutive failures; ``failures`` of them in
a row open it. Open refuses everything until ``reset_s`` has passed, then lets exactly one
probe through (half-open): its success closes the circuit, its failure opens it again for
another ``reset_s``. The clock is injected so tests move time by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

State = Literal["closed", "open", "half-open"]
Clock = Callable[[], float]


@dataclass
class Breaker:
    failures: int = 3
    reset_s: float = 30.0
    clock: Clock = time.monotonic
    _count: int = field(default=0, init=False)
    _opened_at: float | None = field(default=None, init=False)
    _probing: bool = field(default=False, init=False)

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._probing or self.clock() - self._opened_at >= self.reset_s:
            return "half-open"
        return "open"

    def available(self) -> bool:
        """Whether a request may be tried now (without taking the probe slot)."""
        if self._opened_at is None:
            return True
        return not self._probing and self.clock() - self._opened_at >= self.reset_s

    def allow(self) -> bool:
        """Take permission for one request; in half-open only the first caller gets it."""
        if self._opened_at is None:
            return True
        if self._probing or self.clock() - self._opened_at < self.reset_s:
            return False
        self._probing = True
        return True

    def success(self) -> None:
        self._count = 0
        self._opened_at = None
        self._probing = False

    def failure(self) -> None:
        self._count += 1
        if self._probing or self._count >= self.failures:
            self._opened_at = self.clock()
            self._probing = False

    def release(self) -> None:
        """A probe ended with neither success nor failure (e.g. cancelled)."""
        self._probing = False
