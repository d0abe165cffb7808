"""In-process GCRA limiter: one service process, or tests."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from chorus.ratelimit.base import Decision, Rate, gcra

Clock = Callable[[], float]


class MemoryRateLimiter:
    """:class:`~chorus.ratelimit.base.RateLimiter` keeping one TAT per key in memory.

    Memory stays bounded: a key whose TAT has passed is indistinguishable from a new key,
    so such idle keys are swept every ``sweep_every`` hits; beyond ``max_keys`` keys the
    least recently used one is dropped (its client gets a fresh bucket, which errs on the
    side of letting requests through).
    """

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        max_keys: int = 100_000,
        sweep_every: int = 1024,
    ) -> None:
        if max_keys < 1 or sweep_every < 1:
            raise ValueError("max_keys and sweep_every must be >= 1")
        self._clock = clock
        self._max_keys = max_keys
        self._sweep_every = sweep_every
        self._tats: OrderedDict[str, float] = OrderedDict()
        self._hits = 0
        # hit() never awaits, so on one event loop it is atomic already; the lock covers
        # callers from several threads (sync endpoints run in a thread pool).
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._tats)

    async def hit(self, key: str, limit: Rate) -> Decision:
        return self.hit_now(key, limit)

    def hit_now(self, key: str, limit: Rate) -> Decision:
        """The same as :meth:`hit`, callable without an event loop."""
        with self._lock:
            now = self._clock()
            decision, new_tat = gcra(self._tats.get(key), now, limit)
            if new_tat is not None:
                self._tats[key] = new_tat
                self._tats.move_to_end(key)
            self._hits += 1
            if self._hits % self._sweep_every == 0:
                for stale in [k for k, tat in self._tats.items() if tat <= now]:
                    del self._tats[stale]
            # Least recently used first: most likely idle, and O(1) to drop.
            while len(self._tats) > self._max_keys:
                self._tats.popitem(last=False)
            return decision
