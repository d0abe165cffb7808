"""The composed vocal line, measured for singability: syllables near speech rate inside a
line, long notes only where a line ends, voices in their usual ranges."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from chorus.engine._melody import MAX_HELD_S, slot_beats
from chorus.engine._timing import Grid
from chorus.engine.compose import compose
from chorus.engine.request import SongRequest
from chorus.engine.score import Score, SungNote

MakeRequest = Callable[..., SongRequest]

# A gap shorter than this after a syllable is sung through, so it may close the note.
LEGATO = 0.12
GENRES = ["pop", "slow soul ballad", "rock", "country", "waltz", "jazz", "punk"]


def _line_ends(score: Score) -> set[int]:
    """Indices of notes that end a phrase (the next note is another line or far away)."""
    ends = {len(score.vocal) - 1}
    for index, (a, b) in enumerate(itertools.pairwise(score.vocal)):
        if (a.section_index, a.line_index) != (b.section_index, b.line_index):
            ends.add(index)
    return ends


def _slot_seconds(score: Score) -> float:
    return slot_beats(Grid(score.tempo, score.meter, score.swing)) * score.beat_seconds


@pytest.mark.parametrize("tags", GENRES)
@pytest.mark.parametrize("seed", [1, 2])
def test_syllables_inside_a_line_stay_near_speech_rate(
    make_request: MakeRequest, tags: str, seed: int
) -> None:
    score = compose(make_request(tags=tags, seed=seed, duration=60))
    ends = _line_ends(score)
    longest = max(MAX_HELD_S + LEGATO, 1.5 * _slot_seconds(score)) + 1e-6
    inside = [n for i, n in enumerate(score.vocal) if i not in ends]
    assert inside
    for note in inside:
        assert note.duration <= longest, (tags, note.text, note.duration)


def _rest_after(score: Score, index: int) -> float:
    note: SungNote = score.vocal[index]
    return score.vocal[index + 1].start - note.end


@pytest.mark.parametrize("tags", ["slow soul ballad", "folk", "pop", "rock"])
def test_lines_are_sung_compactly_with_the_spare_time_after_them(
    make_request: MakeRequest, tags: str
) -> None:
    for seed in (1, 2):
        score = compose(make_request(tags=tags, seed=seed, duration=60))
        ends = _line_ends(score)
        inside = [i for i in range(len(score.vocal) - 1) if i not in ends]
        detached = [i for i in inside if _rest_after(score, i) > 1e-6]
        # Words follow each other without gaps; a rare rest never splits a word.
        assert len(detached) <= 0.1 * len(inside)
        for i in detached:
            note = score.vocal[i]
            assert note.syllable_index == note.syllable_count - 1, note.text
        # Every line ends with a breath before the next.
        for i in sorted(ends - {len(score.vocal) - 1}):
            assert _rest_after(score, i) >= 0.15


def test_line_ends_may_be_held_longer_than_the_line_inside(make_request: MakeRequest) -> None:
    score = compose(make_request(tags="slow soul ballad", duration=60))
    ends = _line_ends(score)
    held = max(score.vocal[i].duration for i in ends)
    inside = max(n.duration for i, n in enumerate(score.vocal) if i not in ends)
    assert held > inside


@pytest.mark.parametrize(("voice", "low", "high"), [("male", 45, 62), ("female", 53, 70)])
def test_voices_sing_in_their_usual_range(
    make_request: MakeRequest, voice: str, low: int, high: int
) -> None:
    pitches = [
        n.pitch
        for seed in range(3)
        for n in compose(make_request(voice=voice, seed=seed, duration=60)).vocal
    ]
    assert low <= min(pitches) and max(pitches) <= high
    # Most of the line sits in the middle of the range, not at its top.
    middle = sorted(pitches)[len(pitches) // 2]
    assert middle <= high - 4
