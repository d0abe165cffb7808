"""Shared factories for engine tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chorus.engine.request import SongRequest

POP_LYRICS = """[Verse]
Walking down the avenue tonight
Every window shining with a light
[Chorus]
Oh we are the ones who sing
We are the ones who bring the spring
[Verse 2]
Talking to the shadows on the wall
Waiting for the one who never calls
[Chorus]
Oh we are the ones who sing
We are the ones who bring the spring
"""

MakeRequest = Callable[..., SongRequest]


@pytest.fixture
def make_request() -> MakeRequest:
    """``make_request(**overrides)``: a short sung pop song unless told otherwise."""

    def make(**overrides: Any) -> SongRequest:
        fields: dict[str, Any] = {
            "tags": "pop",
            "lyrics": POP_LYRICS,
            "duration": 40.0,
            "seed": 7,
        }
        fields.update(overrides)
        return SongRequest(**fields)

    return make
