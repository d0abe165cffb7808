"""Fixtures shared by the service's tests: one real server for the whole session."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from live_server import LiveServer

_names = itertools.count()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("chorus-data")).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def make_key(server: LiveServer) -> Callable[..., str]:
    """Creates a fresh user key on the session server."""

    def make(**fields: object) -> str:
        return server.new_key(f"user-{next(_names)}-{id(fields)}", **fields)

    return make


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
