from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from chorus.engine.compose import compose
from chorus.engine.request import Continuation, SongRequest
from chorus.engine.score import Chord, Score, SungNote
from chorus.engine.styles import GENRES

MakeRequest = Callable[..., SongRequest]

STRONG = {4: (0, 2), 3: (0,), 6: (0, 3)}
RANGES = {"male": (45, 62), "female": (53, 70)}
# Shortest sung syllable: sixteenths in a mid-tempo groove.
MIN_SYLLABLE_S = 0.13


def chord_at(score: Score, t: float) -> Chord:
    return next(c for c in score.chords if c.start - 1e-6 <= t < c.start + c.duration - 1e-6)


def strong_beat(score: Score, t: float) -> bool:
    beats = t / score.beat_seconds
    nearest = round(beats)
    return abs(beats - nearest) < 1e-4 and nearest % score.meter in STRONG[score.meter]


def check_score(score: Score, duration: float) -> None:
    """Properties every composed score has."""
    assert abs(score.duration - duration) <= 0.03 * duration
    sections = score.sections
    assert sections[0].start == pytest.approx(0.0, abs=1e-9)
    assert sections[-1].end == pytest.approx(score.duration)
    for a, b in itertools.pairwise(sections):
        assert a.end == pytest.approx(b.start)
        assert a.end > a.start
    assert score.chords[0].start == pytest.approx(0.0, abs=1e-9)
    assert score.chords[-1].start + score.chords[-1].duration == pytest.approx(score.duration)
    for track in score.tracks:
        assert track.notes
        for note in track.notes:
            assert 0 <= note.start < score.duration
            assert note.end <= score.duration + 1e-6
            assert 0 <= note.pitch <= 127 and 1 <= note.velocity <= 127
    check_vocals(score)


def check_vocals(score: Score) -> None:
    vocal = score.vocal
    if not vocal:
        assert score.voice is None
        return
    assert score.voice in RANGES
    low, high = RANGES[score.voice]
    for a, b in itertools.pairwise(vocal):
        assert b.start >= a.end - 1e-9
        if b.line_index != a.line_index:
            assert b.start - a.end >= 0.15
    for note in vocal:
        section = score.sections[note.section_index]
        assert section.start - 1e-9 <= note.start and note.end <= section.end + 1e-9
        assert note.duration >= MIN_SYLLABLE_S
        assert low <= note.pitch <= high
        assert note.text and note.phonetic


def chord_tones_on_strong_beats(score: Score) -> tuple[int, int]:
    """(strong-beat vocal notes that are chord tones, strong-beat vocal notes)."""
    on_strong = [n for n in score.vocal if strong_beat(score, n.start)]
    hits = [n.pitch % 12 in {p % 12 for p in chord_at(score, n.start).pitches} for n in on_strong]
    return sum(hits), len(hits)


def test_same_request_and_seed_give_the_same_score(make_request: MakeRequest) -> None:
    assert compose(make_request()).to_json() == compose(make_request()).to_json()


def test_other_seeds_give_other_songs(make_request: MakeRequest) -> None:
    songs = [compose(make_request(seed=s)) for s in range(4)]
    melodies = {tuple(n.pitch for n in s.vocal) for s in songs}
    drums = {s.tracks[0].notes for s in songs}
    assert len(melodies) == 4
    assert len(drums) > 1


@pytest.mark.parametrize("duration", [10.0, 20.0, 47.5, 120.0, 480.0])
def test_whole_song_properties(make_request: MakeRequest, duration: float) -> None:
    score = compose(make_request(duration=duration))
    check_score(score, duration)
    assert score.vocal and score.voice == "male"
    assert score.sections[-1].kind == "Outro"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    duration=st.floats(10.0, 480.0),
    seed=st.integers(0, 2**63 - 1),
    genre=st.sampled_from(sorted(GENRES)),
    voice=st.sampled_from([None, "male", "female"]),
)
def test_any_length_genre_and_seed(
    make_request: MakeRequest, duration: float, seed: int, genre: str, voice: str | None
) -> None:
    score = compose(make_request(duration=duration, seed=seed, tags=genre, voice=voice))
    check_score(score, duration)
    assert score.genre == genre
    if voice is not None and score.vocal:
        assert score.voice == voice


@pytest.mark.parametrize("tags", ["pop", "rock", "lofi hip hop", "jazz", "waltz", "celtic"])
def test_strong_beats_carry_chord_tones(make_request: MakeRequest, tags: str) -> None:
    hits = strong = notes = 0
    for seed in range(3):
        score = compose(make_request(tags=tags, seed=seed, duration=90))
        h, s = chord_tones_on_strong_beats(score)
        hits, strong, notes = hits + h, strong + s, notes + len(score.vocal)
    assert strong >= 0.15 * notes
    assert hits >= 0.9 * strong


def test_melody_moves_mostly_by_step(make_request: MakeRequest) -> None:
    steps = total = 0
    for seed in range(5):
        vocal = compose(make_request(seed=seed, duration=90)).vocal
        for a, b in itertools.pairwise(vocal):
            if a.line_index == b.line_index:
                total += 1
                steps += abs(a.pitch - b.pitch) <= 3
    assert steps / total >= 0.6


def test_female_voice_sings_an_octave_higher(make_request: MakeRequest) -> None:
    male = compose(make_request(voice="male"))
    female = compose(make_request(voice="female"))
    assert female.voice == "female"
    assert compose(make_request(tags="pop, male vocals", voice="female")).voice == "female"

    def mean(score: Score) -> float:
        return sum(n.pitch for n in score.vocal) / len(score.vocal)

    assert mean(female) - mean(male) >= 7
    assert compose(make_request(tags="pop, female vocals")).voice == "female"


def test_choruses_repeat_their_melody(make_request: MakeRequest) -> None:
    score = compose(make_request(duration=60))
    choruses = [i for i, s in enumerate(score.sections) if s.kind == "Chorus" and s.lines]
    assert len(choruses) >= 2

    def shape(index: int) -> list[tuple[float, float, int, str]]:
        start = score.sections[index].start
        return [
            (round(n.start - start, 6), round(n.duration, 6), n.pitch, n.text)
            for n in score.vocal
            if n.section_index == index
        ]

    first = shape(choruses[0])
    assert first
    for other in choruses[1:]:
        if len(score.sections[other].lines) == len(score.sections[choruses[0]].lines):
            assert shape(other) == first


def test_structure_follows_the_lyrics(make_request: MakeRequest) -> None:
    score = compose(make_request(duration=60))
    sung = [s for s in score.sections if s.lines]
    assert [s.label for s in sung[:4]] == ["Verse", "Chorus", "Verse 2", "Chorus"]
    assert score.sections[0].kind == "Intro"
    assert score.extra["lyrics_truncated"] is False
    words = [n.word for n in score.vocal if n.section_index == score.sections.index(sung[0])]
    assert " ".join(dict.fromkeys(words)).startswith("Walking down the avenue tonight")


def test_one_note_per_syllable_in_order(make_request: MakeRequest) -> None:
    score = compose(make_request(duration=60))
    first_verse = [n for n in score.vocal if n.section_index == 1]
    assert [n.text for n in first_verse][:7] == ["Wal", "king", "down", "the", "a", "ve", "nue"]
    avenue = [n for n in first_verse if n.word == "avenue"]
    assert [(n.syllable_index, n.syllable_count, n.phonetic) for n in avenue] == [
        (0, 3, "avenue"),
        (1, 3, "avenue"),
        (2, 3, "avenue"),
    ]
    assert len({n.word_index for n in avenue}) == 1


def test_chinese_lyrics_one_note_per_character(make_request: MakeRequest) -> None:
    lines = ["我爱你中国", "亲爱的母亲", "我为你流泪", "也为你自豪"]
    lyrics = "[Verse]\n" + "\n".join(lines[:2]) + "\n[Chorus]\n" + "\n".join(lines[2:])
    score = compose(make_request(tags="流行", lyrics=lyrics, duration=40))
    assert score.language == "zh"
    sung = [n for n in score.vocal if n.section_index in (1, 2)]
    assert "".join(n.text for n in sung) == "".join(lines)
    expected = [p for line in lines for p in lazy_pinyin(line, style=Style.NORMAL)]
    assert [n.phonetic for n in sung] == expected
    assert all(n.language == "zh" and n.syllable_count == 1 for n in sung)


def test_markers_backing_lines_and_emoji_are_never_sung(make_request: MakeRequest) -> None:
    lyrics = "[Verse]\nhold on (hold on) to me 🔥\n(backing only)\n[Chorus]\nstay ✨ with me"
    score = compose(make_request(lyrics=lyrics))
    assert [n.text for n in score.vocal if n.section_index in (1, 2)] == [
        "hold",
        "on",
        "to",
        "me",
        "stay",
        "with",
        "me",
    ]


def test_too_long_lyrics_are_truncated_within_the_duration(make_request: MakeRequest) -> None:
    verse = "\n".join(f"this is the line number {i} of a very long song" for i in range(12))
    lyrics = "\n".join(f"[Verse {k}]\n{verse}" for k in range(20))
    score = compose(make_request(lyrics=lyrics, duration=30))
    check_score(score, 30)
    assert score.extra["lyrics_truncated"] is True
    assert score.vocal


def test_short_lyrics_fill_the_song_with_repeats_and_solos(make_request: MakeRequest) -> None:
    score = compose(make_request(lyrics="[Chorus]\nsing it loud tonight", duration=120))
    check_score(score, 120)
    kinds = [s.kind for s in score.sections]
    assert kinds.count("Chorus") >= 2
    assert {"Solo", "Instrumental"} & set(kinds)
    assert any(t.name == "Lead" for t in score.tracks)


@pytest.mark.parametrize("overrides", [{"lyrics": ""}, {"instrumental": True}])
def test_instrumental_songs_have_no_voice(
    make_request: MakeRequest, overrides: dict[str, object]
) -> None:
    score = compose(make_request(duration=60, **overrides))
    check_score(score, 60)
    assert score.vocal == () and score.voice is None
    assert any(t.name == "Lead" for t in score.tracks)
    assert score.extra["lyrics_truncated"] is False


def test_tracks_stems_and_programs(make_request: MakeRequest) -> None:
    score = compose(make_request(tags="rock"))
    by_name = {t.name: t for t in score.tracks}
    assert by_name["Drums"].is_drum and by_name["Drums"].stem == "drums"
    assert (
        by_name["Bass"].stem == "bass"
        and by_name["Bass"].program == GENRES["rock"].programs["bass"]
    )
    assert all(t.stem == "other" for t in score.tracks if t.name not in ("Drums", "Bass"))
    assert by_name["Chords"].program == GENRES["rock"].programs["chords"]


def test_negative_tags_remove_instruments(make_request: MakeRequest) -> None:
    no_drums = compose(make_request(tags="rock", negative_tags="drums"))
    assert not any(t.is_drum for t in no_drums.tracks)
    no_piano = compose(make_request(tags="piano ballad", negative_tags="piano"))
    assert all(not 0 <= t.program <= 7 for t in no_piano.tracks if not t.is_drum)


def test_choruses_are_fuller_than_verses(make_request: MakeRequest) -> None:
    score = compose(make_request(duration=60))

    def density(kind: str) -> float:
        secs = [s for s in score.sections if s.kind == kind]
        span = sum(s.duration for s in secs)
        count = sum(
            1 for t in score.tracks for n in t.notes for s in secs if s.start <= n.start < s.end
        )
        return count / span

    verse, chorus = density("Verse"), density("Chorus")
    assert chorus > verse
    assert density("Intro") < verse
    energy = {s.kind: s.energy for s in score.sections}
    assert energy["Intro"] < energy["Verse"] < energy["Chorus"]


def test_song_ends_on_a_held_tonic(make_request: MakeRequest) -> None:
    for tags in ("pop", "sad rock", "jazz"):
        score = compose(make_request(tags=tags))
        last = score.chords[-1]
        assert last.root == score.key
        assert last.duration >= score.bar_seconds - 1e-6
        bass = next(t for t in score.tracks if t.name == "Bass")
        assert bass.notes[-1].pitch % 12 == score.key


def test_continuation_keeps_the_song_and_starts_at_zero(make_request: MakeRequest) -> None:
    first = compose(make_request(tags="sad rock, female vocals", duration=60))
    request = make_request(
        tags="edm",
        lyrics="[Verse]\nwe carry on\n[Chorus]\nnever stop",
        duration=45,
        continuation=Continuation(first, 30.0),
        seed=99,
    )
    score = compose(request)
    check_score(score, 45)
    assert (score.tempo, score.meter, score.key, score.mode, score.genre, score.voice) == (
        first.tempo,
        first.meter,
        first.key,
        first.mode,
        first.genre,
        first.voice,
    )
    assert score.continued_at == 30.0
    assert score.sections[0].start == 0.0 and score.sections[0].kind != "Intro"


def test_compose_is_json_round_trippable(make_request: MakeRequest) -> None:
    score = compose(make_request(lyrics="[Verse]\n你好 world"))
    assert Score.from_dict(score.to_dict()).to_json() == score.to_json()
    assert all(isinstance(n, SungNote) for n in Score.from_dict(score.to_dict()).vocal)


@pytest.mark.parametrize("tags", ["acoustic folk ballad, female vocals", "slow soul ballad"])
def test_a_short_slow_song_sings_its_first_line_instead_of_an_intro(tags: str) -> None:
    lyrics = (
        "[Verse]\nWalking down the streets beneath the city lights\n"
        "Neon signs are flickering and lighting up the night\n"
    )
    score = compose(SongRequest(tags=tags, lyrics=lyrics, duration=16.0, seed=3))
    sung = {n.word.lower() for n in score.vocal}
    assert {"walking", "streets", "lights"} <= sung
    assert score.sections[0].kind == "Verse"
    assert score.sections[-1].kind == "Outro"
    assert score.extra["lyrics_truncated"] is True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dropping_the_intro_for_a_line_that_then_fits_is_not_truncation(seed: int) -> None:
    one_line = "[Verse]\nI remember every word you said to me"
    score = compose(SongRequest(tags="slow soul ballad", lyrics=one_line, duration=10, seed=seed))
    sung = " ".join(dict.fromkeys(n.word.lower() for n in score.vocal))
    assert sung == "i remember every word you said to me"
    assert score.sections[0].kind == "Verse"  # the intro made room for it
    assert score.extra["lyrics_truncated"] is False
    two_lines = one_line + "\nUnder silver moonlight by the sea"
    score = compose(SongRequest(tags="slow soul ballad", lyrics=two_lines, duration=10, seed=seed))
    assert "moonlight" not in {n.word.lower() for n in score.vocal}
    assert score.extra["lyrics_truncated"] is True


@pytest.mark.parametrize("duration", [10.0, 30.0, 120.0])
@pytest.mark.parametrize("tags", ["rock", "lofi hip hop", "slow soul ballad"])
def test_sings_whole_agrees_with_what_compose_sings(
    make_request: Callable[..., SongRequest], duration: float, tags: str
) -> None:
    from chorus.engine.compose import sings_whole
    from chorus.engine.styles import resolve_style

    lyrics = "[Verse]\n" + "\n".join(["walking down the road tonight"] * 6)
    lyrics += "\n[Chorus]\n" + "\n".join(["we are the light we are alive"] * 4)
    for seed in (1, 2, 3):
        request = make_request(tags=tags, lyrics=lyrics, duration=duration, seed=seed)
        score = compose(request)
        whole = sings_whole(lyrics, resolve_style(tags, "", seed), duration)
        assert whole is not score.extra["lyrics_truncated"]
    assert sings_whole("[Intro]\n[Outro]", resolve_style(tags, "", 1), duration)


@pytest.mark.parametrize("duration", [120.0, 240.0, 400.0])
@pytest.mark.parametrize("tags", ["slow soul ballad", "rock", "lofi hip hop"])
def test_filler_never_plays_two_instrumental_parts_in_a_row(
    make_request: MakeRequest, duration: float, tags: str
) -> None:
    lyrics = "[Verse]\nwe walk the line tonight\nunder city light\n"
    lyrics += "[Chorus]\nhold on hold on\nnever let me go\nsing it loud\nsing it slow"
    for seed in (1, 2, 3):
        score = compose(make_request(tags=tags, lyrics=lyrics, duration=duration, seed=seed))
        kinds = [(s.kind, bool(s.lines)) for s in score.sections]
        inner = [sung for kind, sung in kinds if kind not in ("Intro", "Outro")]
        assert all(a or b for a, b in itertools.pairwise(inner)), kinds
        # A chorus cut short by the room left sings its first lines.
        full = next(s.lines for s in score.sections if s.kind == "Chorus")
        for section in score.sections:
            if section.kind == "Chorus":
                assert section.lines == full[: len(section.lines)]
