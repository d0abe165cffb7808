"""Whether the service takes one more task: per-key concurrency and the global queue.

Counts come from the database (the source of truth across processes); these rules only
compare them to the limits, so they are the same for every storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.config import Settings
from chorus.ratelimit.exceptions import QueueFull, TooManyRunning


@dataclass(frozen=True, slots=True)
class AdmissionPolicy:
    """``max_running_per_key`` unfinished tasks per key; ``max_queue`` waiting in all."""

    max_running_per_key: int = 4
    max_queue: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> AdmissionPolicy:
        return cls(settings.max_running_per_key, settings.max_queue)

    def check(self, *, unfinished_for_key: int, queued_total: int) -> None:
        """Raise unless one more task may be submitted.

        ``unfinished_for_key``: the key's tasks not yet SUCCESS or FAILURE;
        ``queued_total``: tasks of all keys waiting for a worker. The global bound is
        checked first: when the service is full, the answer is 503 whoever asks.
        """
        if queued_total >= self.max_queue:
            raise QueueFull(self.max_queue)
        if unfinished_for_key >= self.max_running_per_key:
            raise TooManyRunning(self.max_running_per_key)
