"""Run as a separate process: the API without the worker (nothing renders), on loopback
(``python _api_only.py DATA_DIR PORT ADMIN_KEY``). A process of its own, so a test that
floods it with requests runs beside it rather than sharing one interpreter lock."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from chorus.app import create_app
from chorus.config import Settings


def main() -> None:
    data_dir, port, admin_key = sys.argv[1:4]
    settings = Settings(
        data_dir=Path(data_dir), port=int(port), admin_key=admin_key, song_duration_s=10
    )
    app = create_app(settings, run_worker=False)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
