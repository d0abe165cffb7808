"""Lyrics sized to the song: what the built-in writer writes for a song of a given length
is what the engine sings, whole, and it fills the song."""

from __future__ import annotations

import pytest

from chorus.engine.compose import compose
from chorus.engine.request import SongRequest
from chorus.engine.score import Score
from chorus.engine.styles import resolve_style
from chorus.lyrics import Fit, WrittenSong, lyrics_from_title, write_song
from chorus.lyrics.fit import fit_lyrics, form_for, sung_whole, tempo_range
from chorus.lyrics.song import FORMS, FULL_FORM, LONG_FORM, assemble, parse, render

# English and Chinese ideas whose tags span slow, middle and fast tempi and 4/4 and swing.
IDEAS = (
    "a sad rock song about losing my dog",
    "coding late at night with coffee, lofi",
    "heartbreak in the city, male vocals, ballad",
    "angry punk anthem about traffic jams",
    "a jazz tune about a bicycle",
    "一首关于夏天海边的摇滚，女声",
    "失恋以后的雨夜",
    "周末的派对，电子舞曲",
)
CLIP_SEEDS = (0, 1, 2)
# The least share of the song's time inside sung sections. The lyrics fit the slowest
# tempo the tags allow; at the fastest the engine plays what is left, and a short song
# keeps its intro and outro whatever the lyrics.
FLOORS = {30.0: 0.25, 60.0: 0.4, 120.0: 0.5, 240.0: 0.6}


def _lines(lyrics: str) -> list[str]:
    return [line for section in parse(lyrics) for line in section.lines]


def _compose(song: WrittenSong, duration: float, seed: int) -> Score:
    return compose(SongRequest(tags=song.tags, lyrics=song.lyrics, duration=duration, seed=seed))


def _sung_lines(score: Score) -> list[str]:
    return [line for section in score.sections for line in section.lines]


def _time_sung(score: Score) -> float:
    return sum(s.end - s.start for s in score.sections if s.lines) / score.duration


@pytest.mark.parametrize("duration", sorted(FLOORS))
@pytest.mark.parametrize("idea", IDEAS)
def test_written_lyrics_are_sung_whole_and_fill_the_song(idea: str, duration: float) -> None:
    song = write_song(idea, seed=7, fit=Fit(duration))
    written = _lines(song.lyrics)
    assert written
    for seed in CLIP_SEEDS:
        score = _compose(song, duration, seed)
        assert not score.extra["lyrics_truncated"], (seed, score.tempo, song.lyrics)
        sung = _sung_lines(score)
        assert set(written) <= set(sung), (seed, score.tempo)
        assert _time_sung(score) >= FLOORS[duration], (seed, score.tempo, song.lyrics)


@pytest.mark.parametrize("idea", IDEAS)
def test_the_full_form_is_cut_short_by_a_short_song(idea: str) -> None:
    """Why the lyrics are sized: a full song does not fit 30 s, whatever the tempo."""
    song = write_song(idea, seed=7)
    assert not sung_whole(song.lyrics, 30.0, song.tags)
    for seed in CLIP_SEEDS:
        score = _compose(song, 30.0, seed)
        assert score.extra["lyrics_truncated"]
        assert len(_sung_lines(score)) < len(_lines(song.lyrics))


@pytest.mark.parametrize("idea", IDEAS)
def test_shorter_songs_have_fewer_and_shorter_sections(idea: str) -> None:
    counts = [len(_lines(write_song(idea, seed=3, fit=Fit(d)).lyrics)) for d in (20, 60, 240)]
    assert counts[0] < counts[1] < counts[2], counts
    short = parse(write_song(idea, seed=3, fit=Fit(30.0)).lyrics)
    full = parse(write_song(idea, seed=3).lyrics)
    assert len(short) < len(full)
    assert all(len(s.lines) <= 4 for s in short)
    assert "Chorus" in [s.name for s in short]


@pytest.mark.parametrize("duration", [240.0, 480.0])
@pytest.mark.parametrize("idea", IDEAS)
def test_a_long_song_keeps_the_full_form(idea: str, duration: float) -> None:
    full = parse(write_song(idea, seed=5).lyrics)
    long = parse(write_song(idea, seed=5, fit=Fit(duration)).lyrics)
    # Every section of the full form up to the last chorus, word for word, then more.
    assert long[: len(FULL_FORM) - 1] == full[: len(FULL_FORM) - 1]
    assert len(_lines(render(long))) > len(_lines(render(full[:-1])))
    assert [s.name for s in long] == [name for name, _ in LONG_FORM][: len(long)]


@pytest.mark.parametrize("duration", [30.0, 60.0, 120.0, 240.0])
@pytest.mark.parametrize("idea", IDEAS[:4])
def test_no_longer_form_is_sung_whole(idea: str, duration: float) -> None:
    """The longest form that fits: the next one in ``FORMS`` would lose lines."""
    song = write_song(idea, seed=2, fit=Fit(duration))
    # The longest song holds every part the writer wrote, each at its full length.
    parts = {s.name: s for s in parse(write_song(idea, seed=2, fit=Fit(480.0)).lyrics)}
    shape = tuple((s.name, len(s.lines)) for s in parse(song.lyrics))
    index = FORMS.index(shape)
    assert song.lyrics == render(assemble(parts, FORMS[index]))
    if index + 1 < len(FORMS):
        bigger = render(assemble(parts, FORMS[index + 1]))
        assert not sung_whole(bigger, duration, song.tags)


def test_the_callers_tags_size_the_song() -> None:
    """A song sung as a slow ballad holds fewer lines than one sung as fast pop."""
    idea = "summer love on the beach"
    slow = write_song(idea, seed=1, fit=Fit(60.0, "sad ballad"))
    fast = write_song(idea, seed=1, fit=Fit(60.0, "upbeat edm"))
    assert len(_lines(slow.lyrics)) < len(_lines(fast.lyrics))
    for tags, song in (("sad ballad", slow), ("upbeat edm", fast)):
        for seed in CLIP_SEEDS:
            score = compose(SongRequest(tags=tags, lyrics=song.lyrics, duration=60.0, seed=seed))
            assert not score.extra["lyrics_truncated"], tags


@pytest.mark.parametrize("duration", [30.0, 120.0])
def test_lyrics_from_a_title_are_sized_too(duration: float) -> None:
    for title, tags in (("Electric Fantasy", "synthwave, female vocals"), ("猫咪的夏天", "民谣")):
        song = lyrics_from_title(title, tags, seed=4, fit=Fit(duration, tags))
        for seed in CLIP_SEEDS:
            score = compose(
                SongRequest(tags=tags, lyrics=song.lyrics, duration=duration, seed=seed)
            )
            assert not score.extra["lyrics_truncated"]
            assert set(_lines(song.lyrics)) <= set(_sung_lines(score))


@pytest.mark.parametrize(
    "tags",
    [
        "pop",
        "sad ballad, male vocals",
        "angry punk",
        "smooth jazz",
        "chill lofi hip hop",
        "upbeat waltz",
        "celtic jig",
        "melancholic blues",
        "流行",
    ],
)
def test_tempo_range_is_the_engines(tags: str) -> None:
    low, high = tempo_range(tags)
    tempi = [resolve_style(tags, "", seed).tempo for seed in range(400)]
    assert low <= min(tempi) and max(tempi) <= high
    # The range is not padded: the engine's draws come close to both ends.
    assert min(tempi) - low <= 0.15 * (high - low) + 1
    assert high - max(tempi) <= 0.15 * (high - low) + 1


def test_model_lyrics_are_cut_to_a_form_of_their_own_sections() -> None:
    verse = [f"walking down the road number {n}" for n in range(1, 9)]
    chorus = ["oh we sing it loud tonight", "every light is burning bright"] * 2
    lyrics = render(
        [
            *parse("[Intro]\nhey hey"),
            *parse("[Verse 1]\n" + "\n".join(verse)),
            *parse("[Chorus]\n" + "\n".join(chorus)),
            *parse("[Verse 2]\n" + "\n".join(v.upper() for v in verse)),
            *parse("[Chorus]\n" + "\n".join(chorus)),
            *parse("[Bridge]\nand if the night is long\nwe carry on"),
            *parse("[Chorus]\n" + "\n".join(chorus)),
        ]
    )
    tags = "melancholic rock"
    cut = fit_lyrics(lyrics, 45.0, tags)
    sections = parse(cut)
    assert [s.name for s in sections][:2] == ["Verse 1", "Chorus"]
    for section in sections:
        source = next(s for s in parse(lyrics) if s.name == section.name)
        assert section.lines == source.lines[: len(section.lines)]
    assert len(_lines(cut)) < len(_lines(lyrics))
    for seed in CLIP_SEEDS:
        score = compose(SongRequest(tags=tags, lyrics=cut, duration=45.0, seed=seed))
        assert not score.extra["lyrics_truncated"]
    # Long enough: unchanged.
    assert fit_lyrics(lyrics, 300.0, tags) == lyrics


@pytest.mark.parametrize(
    ("lyrics", "marker"),
    [
        # No marker at all: the lines are a verse.
        ("\n".join(f"line number {n} of a long poem" for n in range(40)), "[Verse]"),
        # Sections that are no verse, chorus, bridge or outro: the first lines are kept.
        (
            "\n\n".join(
                f"[Pre-Chorus]\nline number {2 * n} of a poem\nline number {2 * n + 1} of a poem"
                for n in range(20)
            ),
            "[Pre-Chorus]",
        ),
    ],
)
def test_other_lyrics_keep_their_first_lines(lyrics: str, marker: str) -> None:
    cut = fit_lyrics(lyrics, 30.0, "pop")
    lines = _lines(cut)
    assert 0 < len(lines) < 40
    assert lines == _lines(lyrics)[: len(lines)]
    assert cut.startswith(marker)
    assert sung_whole(cut, 30.0, "pop")
    for seed in CLIP_SEEDS:
        score = compose(SongRequest(tags="pop", lyrics=cut, duration=30.0, seed=seed))
        assert not score.extra["lyrics_truncated"]


@pytest.mark.parametrize("duration", [10.0, 30.0, 60.0, 120.0, 240.0])
def test_form_for_grows_with_the_song(duration: float) -> None:
    form = form_for(duration, "a pop song")
    assert form in FORMS
    if duration >= 240:
        assert form == LONG_FORM
    smaller = form_for(duration / 2, "a pop song")
    assert FORMS.index(smaller) <= FORMS.index(form)


@pytest.mark.parametrize("duration", [30.0, 60.0, 120.0])
@pytest.mark.parametrize("idea", IDEAS)
def test_lyrics_sized_to_the_clips_seeds_are_sung_whole_by_those_clips(
    idea: str, duration: float
) -> None:
    seeds = (11, 12)
    sized = write_song(idea, seed=7, fit=Fit(duration, seeds=seeds))
    for seed in seeds:
        score = _compose(sized, duration, seed)
        assert not score.extra["lyrics_truncated"], (seed, score.tempo, sized.lyrics)
        assert set(_lines(sized.lyrics)) <= set(_sung_lines(score))
    # Knowing the clips' tempi never writes less than planning for every tempo.
    anyway = write_song(idea, seed=7, fit=Fit(duration))
    assert len(_lines(sized.lyrics)) >= len(_lines(anyway.lyrics))


def test_knowing_the_seeds_lets_a_wide_tempo_range_sing_more() -> None:
    more = 0
    for idea in IDEAS:
        for duration in (30.0, 60.0, 120.0):
            seeds = (11, 12)
            sized = write_song(idea, seed=7, fit=Fit(duration, seeds=seeds))
            anyway = write_song(idea, seed=7, fit=Fit(duration))
            more += len(_lines(sized.lyrics)) > len(_lines(anyway.lyrics))
    assert more >= 3
