"""Fixtures for the voice tests."""

from __future__ import annotations

import pytest
from _voice_scores import MakeScore, vocal_score


@pytest.fixture
def make_score() -> MakeScore:
    """``make_score(notes, voice=..., language=..., duration=..., line_breaks=...)``."""
    return vocal_score
