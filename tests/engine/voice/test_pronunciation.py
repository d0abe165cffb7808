"""Words and pinyin to phonemes: every syllable gets exactly one vowel to hold."""

from __future__ import annotations

import itertools

import pytest
from pypinyin import Style, lazy_pinyin

from chorus.engine.voice._phonemes import english_phonemes, nuclei, syllabify
from chorus.engine.voice._zh import pinyin_phonemes


def test_every_mandarin_syllable_has_one_nucleus() -> None:
    hanzi = "".join(chr(code) for code in range(0x4E00, 0x9FA6, 3))
    syllables = set(lazy_pinyin(hanzi, style=Style.NORMAL, errors="ignore"))
    assert len(syllables) > 300
    for syllable in sorted(syllables):
        phonemes = pinyin_phonemes(syllable)
        assert phonemes is not None, syllable
        assert len(nuclei(phonemes)) == 1, (syllable, phonemes)


@pytest.mark.parametrize("spelling", ["lü", "lv", "nu:e", "zhong1", "ZHONG"])
def test_pinyin_spellings_are_understood(spelling: str) -> None:
    assert pinyin_phonemes(spelling) is not None


@pytest.mark.parametrize("spelling", ["xyz", "", "42", "你"])
def test_non_pinyin_is_refused(spelling: str) -> None:
    assert pinyin_phonemes(spelling) is None


@pytest.mark.parametrize(
    ("word", "count"),
    [("love", 1), ("summer", 2), ("beautiful", 3), ("everything", 3), ("idea", 3)],
)
def test_english_syllables(word: str, count: int) -> None:
    syllables = syllabify(english_phonemes(word))
    assert len(syllables) == count
    # The syllables tile the word.
    assert syllables[0].onset[0] == 0
    assert syllables[-1].coda[1] == len(english_phonemes(word))
    for before, after in itertools.pairwise(syllables):
        assert before.coda[1] == after.onset[0]


@pytest.mark.parametrize("word", ["", "!!", "...", "'"])
def test_unpronounceable_words_still_have_a_vowel(word: str) -> None:
    assert nuclei(english_phonemes(word))
