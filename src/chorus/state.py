"""What the app keeps for its lifetime, shared by the routes (``app.state.chorus``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from chorus.callbacks.loop import DeliveryLoop
from chorus.config import Settings
from chorus.db import Database
from chorus.keys.service import KeyCache
from chorus.observability.metrics import Metrics
from chorus.ratelimit import MemoryRateLimiter, RateLimiter
from chorus.tasks.cache import TaskCache
from chorus.worker.service import Worker


@dataclass
class AppState:
    settings: Settings
    db: Database
    keys: KeyCache
    tasks: TaskCache
    worker: Worker | None = None
    # Per-key request rates (in-process unless redis_url is set) and the service's metrics.
    limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    metrics: Metrics | None = None
    deliveries: DeliveryLoop | None = None
    # Called when someone starts listening to a clip's stream: relayed clips start copying
    # the upstream's audio at once rather than at the next poll.
    listener_arrived: Callable[[], None] | None = None

    def enqueue(self, task_id: str) -> None:
        if self.worker is not None:
            self.worker.enqueue(task_id)


def app_state(connection: HTTPConnection) -> AppState:
    state: AppState = connection.app.state.chorus
    return state
