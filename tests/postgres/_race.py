"""Run as a separate process: racers against a PostgreSQL database. It connects, prints
``ready``, and when a line arrives on stdin runs THREADS racers at once, each printing one
line, so that the racers of several processes hit the database together.

``python _race.py fail URL THREADS TASK_ID REASON``: fail the task as a worker, timeout
or cancel would; prints ``won`` or ``lost``.
``python _race.py admit URL THREADS KEY_ID MAX_QUEUE``: submit a song for the key and
admit it, in one transaction; prints ``admitted`` or the refusal's code.
``python _race.py claim URL THREADS``: lease due deliveries as a delivery loop would;
prints the leased ``[delivery id, task id]`` pairs as JSON.
``python _race.py migrate URL 1``: bring the schema to the newest revision, as a service
process does at start; prints ``migrated``.
"""

from __future__ import annotations

import json
import sys
import threading
import time

from sqlalchemy.orm import Session

from chorus.callbacks import service as callbacks
from chorus.config import Settings
from chorus.db import Database
from chorus.exceptions import ChorusError
from chorus.keys.models import ApiKey
from chorus.keys.service import info
from chorus.tasks import admission, lifecycle
from chorus.tasks import service as tasks
from chorus.tasks.schemas import SubmitMusic


def _wait() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def _admit(session: Session, key_id: int, settings: Settings) -> str:
    key = session.get(ApiKey, key_id)
    assert key is not None
    who = info(key)
    body = SubmitMusic.model_validate({"prompt": "[Verse]\nrace you there", "tags": "pop"})
    task = tasks.submit_music(session, who, body, settings, lambda _: None)
    admission.admit(session, who, task, settings)
    return "admitted"


def _one(db: Database, settings: Settings, command: str, rest: list[str]) -> str:
    if command == "fail":
        task_id, reason = rest
        return "won" if db.call(lifecycle.fail, task_id, reason) else "lost"
    if command == "admit":
        try:
            return db.call(_admit, int(rest[0]), settings)
        except ChorusError as exc:
            return exc.code
    if command == "claim":
        claims = db.call(callbacks.claim, time.time(), 60.0)
        return json.dumps([[claim.job.msg_id, claim.task_id] for claim in claims])
    if command == "migrate":
        db.migrate()
        return "migrated"
    raise SystemExit(f"unknown command {command!r}")


def main() -> None:
    command, url, threads, *rest = sys.argv[1:]
    count = int(threads)
    settings = Settings(database_url=url)
    if command == "admit":
        settings = Settings(database_url=url, max_queue=int(rest[1]))
    db = Database(settings)
    # Connect before the start signal (one connection per racer), so the race is about
    # the statements.
    connections = [db.engine.connect() for _ in range(count)]
    for connection in connections:
        connection.close()
    outcomes: list[str] = []

    def racer() -> None:
        outcomes.append(_one(db, settings, command, rest))

    racers = [threading.Thread(target=racer) for _ in range(count)]
    try:
        _wait()
        for thread in racers:
            thread.start()
        for thread in racers:
            thread.join()
    finally:
        db.dispose()
    assert len(outcomes) == count, "a racer failed"
    print("\n".join(outcomes))


if __name__ == "__main__":
    main()
