from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_chat_api import FakeChatApi


@pytest.fixture
def chat_api() -> Iterator[FakeChatApi]:
    with FakeChatApi() as api:
        yield api
