"""Schemathesis generates requests from the OpenAPI schema against a real loopback
server (real SQLite, no renders): no input may produce a 5xx."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from live_server import free_port

ADMIN = "sk-fuzz-admin"
API_ONLY = Path(__file__).with_name("_api_only.py")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    port = free_port()
    data: Path = tmp_path_factory.mktemp("fuzz")
    log = data / "api.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(API_ONLY), str(data), str(port), ADMIN],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.05)
        key = httpx.post(
            f"{base}/admin/keys", json={"name": "fuzzer"}, headers={"Authorization": ADMIN}
        ).json()["key"]
        yield base, key
    finally:
        process.terminate()
        process.wait(30)


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
