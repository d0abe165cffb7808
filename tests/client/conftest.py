from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fake_relay import FakeRelay


@pytest.fixture
def make_relay() -> Iterator[Callable[[str], FakeRelay]]:
    """Start fake relays speaking a dialect; all are stopped after the test."""
    started: list[FakeRelay] = []

    def make(dialect: str) -> FakeRelay:
        relay = FakeRelay(dialect).__enter__()
        started.append(relay)
        return relay

    yield make
    for relay in started:
        relay.__exit__(None, None, None)
