"""Fixtures of the CLI tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from _chorus_cli import run_chorus


@pytest.fixture
def chorus() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_chorus
