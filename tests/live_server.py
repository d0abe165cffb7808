"""A real ``chorus serve`` process on loopback, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
CHORUS = REPO / ".venv" / "bin" / "chorus"
ADMIN_KEY = "sk-test-admin-key"
TERMINAL = ("SUCCESS", "FAILURE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """Starts ``chorus serve`` on a free port over ``data_dir``; restartable."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "CHORUS_ADMIN_KEY": ADMIN_KEY,
            "CHORUS_SONG_DURATION_S": "10",
            "CHORUS_WORKERS": "2",
            # Tests poll and submit in bursts; the limits' own tests set theirs per key.
            "CHORUS_RATE_SUBMIT_PER_MIN": "1000",
            "CHORUS_RATE_FETCH_PER_MIN": "100000",
            "CHORUS_MAX_RUNNING_PER_KEY": "20",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def start(self, timeout_s: float = 60.0) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CHORUS), "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chorus serve exited:\n{self.log.read_text()}")
            try:
                # /readyz answers once the lifespan ran (database migrated, worker up);
                # /openapi.json would first build the whole schema, seconds on a busy box.
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"chorus serve did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM, the graceful way; returns the exit status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise

    def client(self, key: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": key} if key else {}
        kwargs.setdefault("timeout", 30)
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)

    def new_key(self, name: str, **fields: Any) -> str:
        with self.client(ADMIN_KEY) as admin:
            answer = admin.post("/admin/keys", json={"name": name, **fields})
            assert answer.status_code == 201, answer.text
            key: str = answer.json()["key"]
            return key


def fetch(client: httpx.Client, task_id: str, **params: str) -> dict[str, Any]:
    answer = client.get(f"/suno/fetch/{task_id}", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def wait_until(
    client: httpx.Client,
    task_ids: Iterable[str],
    statuses: Iterable[str] = TERMINAL,
    timeout_s: float = 180.0,
) -> dict[str, dict[str, Any]]:
    """Poll until every task reaches one of ``statuses``; returns their task objects."""
    wanted = set(statuses)
    pending = list(task_ids)
    done: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout_s
    while pending:
        for task_id in list(pending):
            data = fetch(client, task_id)["data"]
            if data["status"] in wanted:
                done[task_id] = data
                pending.remove(task_id)
        if not pending:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"tasks {pending} did not reach {sorted(wanted)}")
        time.sleep(0.2)
    return done


def submit(client: httpx.Client, body: dict[str, Any], kind: str = "music") -> str:
    answer = client.post(f"/suno/submit/{kind}", json=body)
    assert answer.status_code == 200, answer.text
    task_id: str = answer.json()["data"]
    return task_id


def python() -> str:
    return sys.executable
