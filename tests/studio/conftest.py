"""A real browser on the studio page of the session's ``chorus serve``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _browser import CHROMIUM_ARGS, chromium_path

from live_server import LiveServer


# Module-scoped, not session-scoped: Playwright's sync API keeps an event loop running
# in the main thread while it lives, which breaks the asyncio tests of later modules.
@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is missing: run scripts/setup (it installs Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)

    profile: Path = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 900},
            service_workers="block",
        )
        # Waits (for a selector, a condition, an expectation) get a generous limit: on a
        # busy machine the page may take long to show what it will show.
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context: Any, server: LiveServer) -> Iterator[Any]:
    """A fresh tab on the studio with an empty local storage, its console errors kept."""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server.base_url + "/")
    tab.evaluate("localStorage.clear()")
    tab.reload()
    tab.errors = errors
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture
def user_key(make_key: Callable[..., str]) -> str:
    return make_key(credits=1000)
