from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import pytest

from chorus.observability.logging import (
    configure_logging,
    current_context,
    log_context,
    request_id_var,
)


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = configure_logging("DEBUG", json=True, stream=buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    """The JSON lines this test's logger wrote (asyncio logs at DEBUG too)."""
    parsed = [json.loads(line) for line in buffer.getvalue().splitlines()]
    return [line for line in parsed if line["logger"] == "chorus.test"]


def test_lines_are_json_with_context(stream: io.StringIO) -> None:
    log = logging.getLogger("chorus.test")
    log.info("outside")
    with log_context(request_id="req-1"), log_context(task_id="t-42", key_name="alice"):
        log.warning("inside %s", "the task", extra={"attempt": 3, "url": "http://x"})
    log.info("after")
    outside, inside, after = _lines(stream)
    assert outside["message"] == "outside"
    assert "task_id" not in outside and "request_id" not in outside
    assert inside["message"] == "inside the task"
    assert inside["level"] == "WARNING"
    assert inside["logger"] == "chorus.test"
    assert (inside["request_id"], inside["task_id"], inside["key_name"]) == (
        "req-1",
        "t-42",
        "alice",
    )
    assert (inside["attempt"], inside["url"]) == (3, "http://x")
    assert inside["ts"].endswith("+00:00")
    assert "task_id" not in after


def test_exceptions_are_one_line_of_json(stream: io.StringIO) -> None:
    try:
        raise ValueError("bad things")
    except ValueError:
        logging.getLogger("chorus.test").exception("it failed")
    [line] = _lines(stream)
    assert line["message"] == "it failed"
    assert "ValueError: bad things" in line["exc_info"]


async def test_context_follows_tasks_and_threads(stream: io.StringIO) -> None:
    log = logging.getLogger("chorus.test")

    async def job(n: int) -> None:
        with log_context(task_id=f"t-{n}", key_name=f"k-{n}"):
            await asyncio.sleep(0.01 * (3 - n))
            log.info("async")
            await anyio.to_thread.run_sync(lambda: log.info("thread"))

    with log_context(request_id="r-1"):
        await asyncio.gather(*(job(n) for n in range(3)))
    lines = _lines(stream)
    assert len(lines) == 6
    for line in lines:
        assert line["request_id"] == "r-1"
        assert line["key_name"] == line["task_id"].replace("t-", "k-")
    assert request_id_var.get() is None
    assert current_context() == {}


def test_text_format_and_idempotent_configuration() -> None:
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    configure_logging("INFO", json=True, stream=io.StringIO())
    handler = configure_logging("INFO", json=False, stream=buffer)
    try:
        assert sum(1 for h in root.handlers if h.get_name() == "chorus") == 1
        with log_context(task_id="t-7"):
            logging.getLogger("chorus.test").info("plain")
            logging.getLogger("chorus.test").debug("hidden")
        text = buffer.getvalue()
        assert "task=t-7" in text and "req=-" in text and "plain" in text
        assert "hidden" not in text
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
