"""Debian's Chromium driven by Playwright, headless and offline, for the studio tests.

The browser is the system's ``/usr/bin/chromium`` (installed by ``scripts/setup``), never
one downloaded by Playwright. Screenshots go to ``artifacts/studio/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "studio"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The tests press play through the page; no speakers are needed to play.
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str | None:
    if CHROMIUM.is_file():
        return str(CHROMIUM)
    found = shutil.which("chromium")
    return found


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
