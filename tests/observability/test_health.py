from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import create_engine

from chorus.observability.health import database_check, healthz, readyz


def test_healthz() -> None:
    assert healthz() == {"status": "ok"}


async def test_ready_when_every_check_passes(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ready.db'}")
    workers_up = True

    async def workers() -> None:
        if not workers_up:
            raise RuntimeError("worker pool is down")

    try:
        status, body = await readyz({"database": database_check(engine), "workers": workers})
        assert status == 200
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "workers"}
        assert all(c["ok"] and c["error"] == "" for c in body["checks"].values())

        workers_up = False
        status, body = await readyz({"database": database_check(engine), "workers": workers})
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["checks"]["database"]["ok"]
        assert body["checks"]["workers"] == {
            "ok": False,
            "error": "RuntimeError: worker pool is down",
            "duration_s": body["checks"]["workers"]["duration_s"],
        }
    finally:
        engine.dispose()


async def test_unreachable_database_is_not_ready(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    try:
        status, body = await readyz({"database": database_check(engine)})
    finally:
        engine.dispose()
    assert status == 503
    assert "OperationalError" in body["checks"]["database"]["error"]


async def test_a_hanging_check_times_out() -> None:
    async def hangs() -> None:
        await asyncio.sleep(30)

    status, body = await readyz({"slow": hangs, "fine": lambda: None}, timeout_s=0.2)
    assert status == 503
    assert body["checks"]["slow"]["error"] == "no answer within 0.2 s"
    assert body["checks"]["fine"]["ok"]
    assert body["checks"]["slow"]["duration_s"] < 2
