from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.engine._harmony import MODES, progression
from chorus.engine.styles import GENRES, detect_voice, resolve_style

MAJORISH = ("major", "mixolydian")
MINORISH = ("minor", "dorian", "phrygian")


def test_at_least_fifteen_distinct_genres_each_resolvable_by_name() -> None:
    assert len(GENRES) >= 15
    resolved = [resolve_style(name, "", 1) for name in GENRES]
    assert [s.genre for s in resolved] == list(GENRES)
    fingerprints = {
        (g.tempo, g.meter, g.bass, g.comp, tuple(sorted(g.programs.items())), g.major)
        for g in GENRES.values()
    }
    assert len(fingerprints) == len(GENRES)


@pytest.mark.parametrize("name", list(GENRES))
def test_every_preset_is_playable(name: str) -> None:
    genre = GENRES[name]
    for text in (*genre.major, *genre.minor):
        assert len(progression(text)) >= 2
    for grid in (genre.bass, genre.comp):
        assert len(grid) == genre.steps
    for pattern in (genre.verse_drums, genre.chorus_drums):
        if pattern is not None:
            for row in (pattern.kick, pattern.snare, pattern.hat, pattern.open_hat):
                assert row == "" or len(row) == genre.steps
    assert set(genre.modes) <= set(MODES)
    assert {"bass", "chords", "pad", "lead", "arp"} <= set(genre.programs)
    assert all(0 <= p <= 127 for p in genre.programs.values())


@pytest.mark.parametrize(
    ("tags", "genre"),
    [
        ("emotional punk", "punk"),
        ("acoustic folk ballad", "folk"),
        ("lofi hip hop", "lofi"),
        ("upbeat synth pop, female vocals", "synthpop"),
        ("hip hop, hard hitting", "hiphop"),
        ("waltz", "waltz"),
        ("流行", "pop"),
        ("摇滚", "rock"),
        ("民谣", "folk"),
        ("说唱", "hiphop"),
        ("中国风", "chinese"),
        ("something nobody has heard of", "pop"),
        ("", "pop"),
    ],
)
def test_tags_pick_the_genre_they_name(tags: str, genre: str) -> None:
    assert resolve_style(tags, "", 3).genre == genre


def test_meters_follow_the_genre() -> None:
    assert resolve_style("waltz", "", 0).meter == 3
    assert resolve_style("irish jig", "", 0).meter == 6
    assert resolve_style("rock", "", 0).meter == 4


@pytest.mark.parametrize("seed", range(6))
def test_moods_set_mode_and_energy(seed: int) -> None:
    sad = resolve_style("sad pop", "", seed)
    happy = resolve_style("happy pop", "", seed)
    upbeat = resolve_style("upbeat pop", "", seed)
    chill = resolve_style("chill pop", "", seed)
    assert sad.mode in MINORISH and sad.mood == "sad"
    assert happy.mode in MAJORISH and happy.mood == "happy"
    assert resolve_style("dark rock", "", seed).mode in MINORISH
    assert chill.energy < upbeat.energy
    assert sad.energy < upbeat.energy


def test_ballad_modifier_slows_and_softens() -> None:
    plain = [resolve_style("folk", "", s) for s in range(8)]
    ballad = [resolve_style("folk ballad", "", s) for s in range(8)]
    assert sum(b.tempo for b in ballad) < sum(p.tempo for p in plain)
    assert all(b.energy < p.energy for b, p in zip(ballad, plain, strict=True))


def test_negative_tags_remove_what_they_name() -> None:
    assert resolve_style("rock", "", 1).drums is not None
    assert resolve_style("rock", "drums", 1).drums is None
    assert "bass" not in resolve_style("rock", "bass", 1).programs
    no_piano = resolve_style("piano ballad", "piano", 1)
    assert all(not 0 <= p <= 7 for p in no_piano.programs.values())
    assert "chords" in no_piano.programs
    no_synth = resolve_style("synthwave", "synth", 2)
    assert all(not 80 <= p <= 103 for p in no_synth.programs.values())
    assert resolve_style("pop rock", "pop", 1).genre == "rock"
    assert resolve_style("", "pop", 1).genre != "pop"
    assert resolve_style("sad pop", "sad", 1).mood != "sad"


@pytest.mark.parametrize(
    ("tags", "voice"),
    [
        ("upbeat synth pop, female vocals", "female"),
        ("female", "female"),
        ("男声 民谣", "male"),
        ("流行 女声", "female"),
        ("male vocals, rock", "male"),
        ("rock", None),
    ],
)
def test_voice_from_tags(tags: str, voice: str | None) -> None:
    assert detect_voice(tags) == voice
    assert resolve_style(tags, "", 0).voice == voice


def test_same_seed_same_style_other_seeds_vary() -> None:
    assert resolve_style("pop", "", 5) == resolve_style("pop", "", 5)
    styles = {
        (s.tempo, s.key, s.progressions)
        for s in (resolve_style("pop", "", seed) for seed in range(10))
    }
    assert len(styles) > 5


@settings(max_examples=60, deadline=None)
@given(tags=st.text(max_size=80), negative=st.text(max_size=40), seed=st.integers(0, 2**63 - 1))
def test_any_text_resolves_to_a_valid_style(tags: str, negative: str, seed: int) -> None:
    style = resolve_style(tags, negative, seed)
    assert style.genre in GENRES
    assert 50 <= style.tempo <= 320
    assert 0 <= style.key < 12
    assert style.mode in MODES
    assert 0.0 < style.energy <= 1.0
    for text in style.progressions:
        progression(text)
