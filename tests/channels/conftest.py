from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_upstreams import FakeSunoWeb, FakeUpstream


@pytest.fixture
def make_upstream() -> Iterator[Callable[..., FakeUpstream]]:
    """Start fake upstreams of a shape; all are stopped after the test."""
    started: list[FakeUpstream] = []

    def make(shape: str, **kwargs: object) -> FakeUpstream:
        fake = FakeUpstream(shape, **kwargs).__enter__()  # type: ignore[arg-type]
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.__exit__(None, None, None)


@pytest.fixture
def suno_web() -> Iterator[FakeSunoWeb]:
    with FakeSunoWeb() as fake:
        yield fake
