"""Spoken lines kept from one song to the next: read back exactly, bounded, and made again
when damaged."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from chorus.engine.render import render_song
from chorus.engine.request import SongRequest
from chorus.engine.voice import SAMPLE_RATE, Singer, _speechcache
from chorus.engine.voice._lines import _spoken
from chorus.engine.voice._phonemes import english_phonemes
from chorus.engine.voice._store import load_arrays

MB = 1024 * 1024


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "speech"
    monkeypatch.setattr(_speechcache, "folder", lambda: where)
    monkeypatch.setenv("CHORUS_SPEECH_CACHE_MB", "64")
    return where


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The phonemes the voice itself was asked to say."""
    calls: list[tuple[str, ...]] = []
    real = Singer.speak
    monkeypatch.setattr(Singer, "speak", lambda self, p: calls.append(p) or real(self, p))
    return calls


def phonemes(text: str) -> tuple[str, ...]:
    line: list[str] = []
    for word in text.split():
        if line:
            line.append(" ")
        line.extend(english_phonemes(word))
    return tuple(line)


def kept(cache: Path, line: tuple[str, ...]) -> Path:
    return cache / f"{_speechcache._name(line)}.npz"


def test_a_line_said_before_is_read_back_exactly(
    cache: Path, spoken: list[tuple[str, ...]]
) -> None:
    line = phonemes("walking down the street tonight")
    first = _speechcache.speak(line)
    second = _speechcache.speak(line)
    assert spoken == [line]
    assert second.audio.dtype == first.audio.dtype == np.float32
    assert np.array_equal(first.audio, second.audio)
    assert second.spans == first.spans and len(first.spans) == len(line)
    assert [p.name for p in cache.iterdir()] == [kept(cache, line).name]


def test_a_line_said_before_needs_no_voice_model(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = phonemes("no model needed")
    first = _speechcache.speak(line)

    def refuse(self: Singer) -> None:
        raise AssertionError("the voice model was loaded")

    monkeypatch.setattr(Singer, "_instance", None)  # as in a fresh process
    monkeypatch.setattr(Singer, "__init__", refuse)
    again = _speechcache.speak(line)
    assert np.array_equal(again.audio, first.audio)
    assert again.rate == first.rate == SAMPLE_RATE


def test_nothing_is_kept_when_the_bound_is_zero(
    cache: Path, spoken: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHORUS_SPEECH_CACHE_MB", "0")
    line = phonemes("say it twice")
    _speechcache.speak(line)
    _speechcache.speak(line)
    assert spoken == [line, line]
    assert not cache.exists()


def test_past_its_bound_the_lines_used_longest_ago_go(
    cache: Path, spoken: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [phonemes(f"{word} little lines") for word in ("one", "two", "six")]
    for line in lines[:2]:
        _speechcache.speak(line)
        time.sleep(0.02)
    sizes = [kept(cache, line).stat().st_size for line in lines[:2]]
    # Room for about two and a half lines; the first is used again, so the second is the
    # one used longest ago when the third comes.
    monkeypatch.setenv("CHORUS_SPEECH_CACHE_MB", str((sizes[0] + 1.5 * sizes[1]) / MB))
    _speechcache.speak(lines[0])
    time.sleep(0.02)
    _speechcache.speak(lines[2])
    assert spoken == [lines[0], lines[1], lines[2]]
    assert kept(cache, lines[0]).exists() and kept(cache, lines[2]).exists()
    assert not kept(cache, lines[1]).exists()
    total = sum(p.stat().st_size for p in cache.glob("*.npz"))
    assert total <= sizes[0] + 1.5 * sizes[1]


def test_a_damaged_line_is_said_again_and_replaced(
    cache: Path, spoken: list[tuple[str, ...]]
) -> None:
    line = phonemes("broken record")
    first = _speechcache.speak(line)
    kept(cache, line).write_bytes(b"PK\x03\x04 not a whole file")
    again = _speechcache.speak(line)
    assert spoken == [line, line]
    assert np.array_equal(first.audio, again.audio)
    stored = load_arrays(kept(cache, line))
    assert stored is not None and np.array_equal(stored["audio"], first.audio)


def test_an_unwritable_folder_only_costs_time(
    tmp_path: Path, spoken: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(_speechcache, "folder", lambda: blocker / "speech")
    monkeypatch.setenv("CHORUS_SPEECH_CACHE_MB", "64")
    line = phonemes("nowhere to keep it")
    assert _speechcache.speak(line).audio.size > 0
    assert _speechcache.speak(line).audio.size > 0
    assert spoken == [line, line]


def test_a_song_sung_again_skips_the_voice_and_sounds_the_same(
    cache: Path, spoken: list[tuple[str, ...]], tmp_path: Path
) -> None:
    request = SongRequest(
        tags="folk", lyrics="[Verse]\nhello there my friend\nsing it once again", duration=10
    )
    _spoken.cache_clear()
    first = render_song(request, tmp_path / "first", stream=False)
    said = len(spoken)
    assert said >= 1
    _spoken.cache_clear()  # as in another process, or a later task
    again = render_song(request, tmp_path / "again", stream=False)
    assert len(spoken) == said
    assert first.mp3.read_bytes() == again.mp3.read_bytes()
    assert len(list(cache.glob("*.npz"))) == said


def test_lines_are_kept_without_listing_the_folder_each_time(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[Path] = []
    real = _speechcache._bound

    def bound(where: Path, limit: int) -> int:
        counted.append(where)
        return real(where, limit)

    monkeypatch.setattr(_speechcache, "_bound", bound)
    for word in ("one", "two", "six", "ten"):
        _speechcache.speak(phonemes(f"{word} more lines"))
    assert counted == [cache]  # counted once, then added up
    assert len(list(cache.glob("*.npz"))) == 4
