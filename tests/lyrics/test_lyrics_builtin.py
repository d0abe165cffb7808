from __future__ import annotations

import re

import pronouncing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from chorus.exceptions import InvalidRequest
from chorus.lyrics import WrittenSong, lyrics_from_title, write_song
from chorus.lyrics.song import SECTION_NAMES, parse

GENRES = (
    "pop",
    "rock",
    "punk",
    "folk",
    "ballad",
    "lofi hip hop",
    "hip hop",
    "edm",
    "synthwave",
    "jazz",
    "blues",
    "country",
    "reggae",
    "metal",
    "r&b",
    "funk",
    "orchestral",
    "ambient",
    "latin",
    "lullaby",
)
EN_IDEAS = {
    "a sad rock song about losing my dog": ["dog"],
    "coding late at night with coffee, lofi": ["coding", "coffee"],
    "summer love on the beach": ["summer", "beach"],
    "a lullaby about the sea for my daughter": ["sea", "daughter"],
    "Party on Mars with female vocals": ["mars", "party"],
    "my grandmother's kitchen in winter": ["kitchen", "winter"],
    "angry punk anthem about traffic jams": ["traffic"],
    "a jazz tune about a bicycle": ["bicycle"],
}
ZH_IDEAS = {
    "在零一世界编程的深夜": ["零一世界", "编程", "深夜"],
    "一首关于猫的欢快歌曲": ["猫"],
    "一首关于夏天海边的摇滚，女声": ["夏天", "海边"],
    "失恋以后的雨夜": ["雨夜"],
    "外婆家的桂花树": ["外婆"],
}
CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")


def _check_shape(song: WrittenSong) -> None:
    sections = parse(song.lyrics)
    assert sections, song.lyrics
    assert song.lyrics.lstrip().startswith("[")
    for section in sections:
        assert section.name in SECTION_NAMES
        assert section.lines, f"empty section {section.name}"
        for line in section.lines:
            assert not re.search(r"[\[\]()]", line), line
    names = [s.name for s in sections]
    assert "Chorus" in names and "Verse" in names
    choruses = [s.lines for s in sections if s.name == "Chorus"]
    assert len(choruses) >= 2
    assert all(c == choruses[0] for c in choruses), "chorus must repeat verbatim"
    assert song.title.strip() and len(song.title) <= 80
    assert any(g in song.tags for g in GENRES), song.tags
    assert "vocals" in song.tags


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.integers(min_value=0, max_value=2**31))
def test_any_text_gives_a_valid_song_or_a_prompt_error(idea: str, seed: int) -> None:
    if not idea.strip():
        with pytest.raises(InvalidRequest) as info:
            write_song(idea, seed=seed)
        assert info.value.field == "prompt"
        assert "prompt" in info.value.message
        return
    song = write_song(idea, seed=seed)
    assert song.source == "builtin"
    _check_shape(song)
    assert write_song(idea, seed=seed) == song


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=20
    ),
    st.integers(min_value=0, max_value=1000),
)
def test_any_chinese_text_gives_chinese_lyrics(idea: str, seed: int) -> None:
    song = write_song(idea, seed=seed)
    _check_shape(song)
    assert song.language == "zh"
    for section in parse(song.lyrics):
        assert all(CJK.match(line) for line in section.lines), section.lines


@pytest.mark.parametrize("idea", [*EN_IDEAS, *ZH_IDEAS])
def test_deterministic_and_seeds_differ(idea: str) -> None:
    assert write_song(idea, seed=11) == write_song(idea, seed=11)
    lyrics = {write_song(idea, seed=s).lyrics for s in range(5)}
    assert len(lyrics) == 5


def test_different_ideas_never_get_the_same_text() -> None:
    songs = [write_song(idea, seed=1).lyrics for idea in [*EN_IDEAS, *ZH_IDEAS]]
    assert len(set(songs)) == len(songs)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("idea", "words"), [*EN_IDEAS.items(), *ZH_IDEAS.items()])
def test_theme_words_appear(idea: str, words: list[str], seed: int) -> None:
    lyrics = write_song(idea, seed=seed).lyrics.lower()
    for word in words:
        assert word in lyrics, (word, lyrics)


def _rhymes(a: str, b: str) -> bool:
    last = [re.findall(r"[a-z']+", x.lower())[-1] for x in (a, b)]
    return last[1] in pronouncing.rhymes(last[0])


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("idea", EN_IDEAS)
def test_english_chorus_rhymes_in_couplets(idea: str, seed: int) -> None:
    chorus = next(s.lines for s in parse(write_song(idea, seed=seed).lyrics) if s.name == "Chorus")
    assert _rhymes(chorus[0], chorus[1]) and _rhymes(chorus[2], chorus[3]), chorus


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("idea", EN_IDEAS)
def test_english_lines_are_singable_length(idea: str, seed: int) -> None:
    lines = [ln for s in parse(write_song(idea, seed=seed).lyrics) for ln in s.lines]
    counts = [
        sum(
            max(1, pronouncing.syllable_count((pronouncing.phones_for_word(w) or ["AH0"])[0]))
            for w in re.findall(r"[a-z']+", ln.lower())
        )
        for ln in lines
    ]
    inside = sum(5 <= c <= 11 for c in counts)
    assert inside / len(counts) >= 0.8, list(zip(lines, counts, strict=True))


def _final_class(char: str) -> str:
    final = lazy_pinyin(char, style=Style.FINALS)[0]
    return re.sub(r"^[iuv](?=[aeo])", "", final)  # ian/uan/van -> an, iang -> ang...


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("idea", ZH_IDEAS)
def test_chinese_lines_even_and_chorus_rhymes(idea: str, seed: int) -> None:
    song = write_song(idea, seed=seed)
    sections = parse(song.lyrics)
    lines = [ln for s in sections for ln in s.lines]
    assert sum(len(ln) % 2 == 0 for ln in lines) / len(lines) >= 0.9, lines
    chorus = next(s.lines for s in sections if s.name == "Chorus")
    ends = [_final_class(line[-1]) for line in chorus]
    pairs = [ends[0] == ends[1], ends[2] == ends[3]]
    assert sum(pairs) >= 1, chorus


@pytest.mark.parametrize(
    ("idea", "genre", "voice"),
    [
        ("a sad rock song with female vocals", "rock", "female vocals"),
        ("lofi beats for studying late at night", "lofi hip hop", None),
        ("一首关于夏天海边的摇滚，女声", "rock", "female vocals"),
        ("a lullaby for my son", "lullaby", None),
        ("一首男声民谣", "folk", "male vocals"),
        ("party all night", None, None),
    ],
)
def test_tags_name_genre_and_voice(idea: str, genre: str | None, voice: str | None) -> None:
    tags = write_song(idea, seed=3).tags
    assert any(g in tags for g in GENRES)
    if genre:
        assert genre in tags
    assert (voice or "vocals") in tags


def test_instrumental_has_title_and_tags_but_no_lyrics() -> None:
    song = write_song("a calm night by the sea", seed=2, instrumental=True)
    assert song.lyrics == ""
    assert song.title and song.tags
    assert song.title == write_song("a calm night by the sea", seed=2).title


@pytest.mark.parametrize("seed", range(3))
def test_lyrics_from_title_keeps_title_and_sings_it(seed: int) -> None:
    song = lyrics_from_title("Electric Fantasy", "synthwave, female vocals", seed=seed)
    assert (song.title, song.tags) == ("Electric Fantasy", "synthwave, female vocals")
    _check_shape(song)
    assert "fantasy" in song.lyrics.lower()
    zh = lyrics_from_title("猫咪的夏天", "", seed=seed)
    assert zh.title == "猫咪的夏天" and zh.language == "zh"
    assert "猫咪" in zh.lyrics
    assert any(g in zh.tags for g in GENRES)


def test_lyrics_from_title_needs_title_or_tags() -> None:
    with pytest.raises(InvalidRequest) as info:
        lyrics_from_title(" ", "", seed=1)
    assert info.value.field == "title"
    assert lyrics_from_title("", "sad folk", seed=1).title
