"""Two ``chorus serve`` processes on one PostgreSQL database share one Redis: a key's rate
limits hold across both processes, not once per process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import cycle

import pytest
import redis

from live_server import LiveServer, submit

pytestmark = pytest.mark.postgres

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def pair(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveServer]]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.exceptions.ConnectionError, OSError) as exc:
        pytest.skip(f"Redis server at {REDIS_URL} is not running ({exc}); start redis-server")
    servers = [
        LiveServer(
            tmp_path_factory.mktemp(f"shared-{n}"),
            CHORUS_DATABASE_URL=pg_url,
            CHORUS_REDIS_URL=REDIS_URL,
        )
        for n in range(2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_fetch_rate_is_shared_by_both_processes(pair: list[LiveServer]) -> None:
    name = f"shared-fetch-{uuid.uuid4().hex[:8]}"
    key = pair[0].new_key(name, rate_fetch_per_min=6)
    clients = [server.client(key) for server in pair]
    try:
        task_id = submit(clients[0], {"prompt": "share the budget"}, "lyrics")
        answers = [
            client.get(f"/suno/fetch/{task_id}").status_code
            for client, _ in zip(cycle(clients), range(8), strict=False)
        ]
    finally:
        for client in clients:
            client.close()
    # Six per minute in all: three through each process, then both refuse.
    assert answers == [200] * 6 + [429, 429]


def test_submit_rate_is_shared_by_both_processes(pair: list[LiveServer]) -> None:
    name = f"shared-submit-{uuid.uuid4().hex[:8]}"
    key = pair[1].new_key(name, credits=100, rate_submit_per_min=4)
    clients = [server.client(key) for server in pair]
    try:
        codes = [
            client.post("/suno/submit/lyrics", json={"prompt": f"idea {n}"}).status_code
            for client, n in zip(cycle(clients), range(6), strict=False)
        ]
        refused = clients[0].post("/suno/submit/lyrics", json={"prompt": "one more"})
    finally:
        for client in clients:
            client.close()
    assert codes == [200] * 4 + [429, 429]
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
