"""Schemathesis generates requests from the OpenAPI schema against a real loopback
server (real SQLite, no renders): no input may produce a 5xx."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

from chorus.app import create_app
from chorus.config import Settings
from live_server import free_port

ADMIN = "sk-fuzz-admin"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    port = free_port()
    data: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(data_dir=data, port=port, admin_key=ADMIN, song_duration_s=10),
        run_worker=False,
    )
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    key = httpx.post(
        f"{base}/admin/keys", json={"name": "fuzzer"}, headers={"Authorization": ADMIN}
    ).json()["key"]
    yield base, key
    server.should_exit = True
    thread.join(10)


def test_no_input_produces_a_server_error(api: tuple[str, str]) -> None:
    base, key = api
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            for headers in (None, {"Authorization": key}, {"Authorization": ADMIN}):
                answer = case.call(base_url=base, headers=headers, timeout=10)
                if answer.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: {answer.status_code}")

        check()
    assert failures == []
