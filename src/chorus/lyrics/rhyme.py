"""English sound: syllable counts and end rhymes from the CMU pronouncing dictionary.

Rhymes are "perfect" in the dictionary's sense: the same phones from the last stressed
vowel on (``pronouncing.rhyming_part``). Words the dictionary lacks get a vowel-group
syllable estimate and no rhyme.
"""

from __future__ import annotations

import re
from functools import cache

import pronouncing

_WORD = re.compile(r"[A-Za-z']+")
_VOWELS = re.compile(r"[aeiouy]+")


@cache
def _phones(word: str) -> str | None:
    found = pronouncing.phones_for_word(word.lower().strip("'"))
    return found[0] if found else None


def syllables(word: str) -> int:
    """Syllables in one word: the dictionary's count, else an estimate from vowel groups."""
    phones = _phones(word)
    if phones is not None:
        return int(pronouncing.syllable_count(phones))
    lowered = word.lower()
    groups = len(_VOWELS.findall(lowered))
    if lowered.endswith("e") and not lowered.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def line_syllables(line: str) -> int:
    """Syllables in a sung line (digits and punctuation are skipped)."""
    return sum(syllables(w) for w in _WORD.findall(line))


@cache
def rhyme_key(word: str) -> str | None:
    """The rhyming part of the word's first pronunciation, or None when unknown."""
    phones = _phones(word)
    if phones is None:
        return None
    part = pronouncing.rhyming_part(phones)
    return str(part) if part else None


def last_word(line: str) -> str:
    words = _WORD.findall(line)
    return words[-1].lower() if words else ""


def rhymes(a: str, b: str) -> bool:
    """Whether two words rhyme: same rhyming part, and not one word hidden in the other
    ("night"/"tonight" is the same word sung twice, not a rhyme)."""
    a, b = a.lower(), b.lower()
    if not a or not b or a == b or a.endswith(b) or b.endswith(a):
        return False
    key = rhyme_key(a)
    return key is not None and key == rhyme_key(b)


def lines_rhyme(a: str, b: str) -> bool:
    """Whether two sung lines end in rhyming words."""
    return rhymes(last_word(a), last_word(b))


def warm_up() -> None:
    """Load the pronouncing dictionary now rather than on the first song (~0.5 s)."""
    pronouncing.init_cmu()
