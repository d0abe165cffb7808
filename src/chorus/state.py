"""What the app keeps for its lifetime, shared by the routes (``app.state.chorus``)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from chorus.config import Settings
from chorus.db import Database
from chorus.keys.service import KeyCache
from chorus.tasks.cache import TaskCache
from chorus.worker.service import Worker


@dataclass
class AppState:
    settings: Settings
    db: Database
    keys: KeyCache
    tasks: TaskCache
    worker: Worker | None = None

    def enqueue(self, task_id: str) -> None:
        if self.worker is not None:
            self.worker.enqueue(task_id)


def app_state(connection: HTTPConnection) -> AppState:
    state: AppState = connection.app.state.chorus
    return state
