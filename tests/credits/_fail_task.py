"""Run as a separate process: fail one task on the database at a given moment, as a
worker, a timeout or a cancel would (``python _fail_task.py DATA_DIR TASK_ID REASON AT``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from chorus.config import Settings
from chorus.db import Database
from chorus.tasks import lifecycle


def main() -> None:
    data_dir, task_id, reason, at = sys.argv[1:5]
    db = Database(Settings(data_dir=Path(data_dir)))
    time.sleep(max(0.0, float(at) - time.time()))
    won = db.call(lifecycle.fail, task_id, reason)
    db.dispose()
    print("won" if won else "lost")


if __name__ == "__main__":
    main()
