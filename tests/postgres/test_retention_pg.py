"""Media retention on a fresh PostgreSQL database (the walk's order and resumption)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from chorus.config import Settings
from chorus.db import Database
from chorus.media import retention
from retention_checks import check_old_files_go_in_order

pytestmark = pytest.mark.postgres


async def test_finished_tasks_past_the_retention_lose_their_files_in_order(
    make_pg_database: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PAGE", 2)
    settings = Settings(database_url=make_pg_database(), data_dir=tmp_path, media_retention_days=7)
    db = Database(settings)
    try:
        await check_old_files_go_in_order(db, settings)
    finally:
        db.dispose()
