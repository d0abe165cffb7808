"""Fixtures shared by the service's tests: one real server for the whole session."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from live_server import LiveServer

_names = itertools.count()

# Every test speaks its lines afresh (and counts on it): the machine's cache of spoken
# lines is off, here and in the servers and render processes the tests start. Its own
# tests turn it on over a folder of their own.
os.environ["CHORUS_SPEECH_CACHE_MB"] = "0"


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
