"""Words to phonemes, and phonemes to syllables.

Phonemes are single code points as espeak-ng writes IPA (``"a"``, ``"ɪ"``, ``"ː"``,
``"ˈ"``), the alphabet the piper voice was trained on. A syllable is split into onset
consonants, a vowel nucleus (the part a singer holds) and coda consonants.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

VOWELS = frozenset("aeiouyæɐɑɒɔəɚɛɜɝɞɤɨɪɯɵøœɶʉʊʌʏᵻ")
# Marks that belong to the vowel they sit on: stress comes before it, length and the
# syllabic mark after it. The voice spends real time on stress marks (the vowel onset).
STRESS = frozenset("ˈˌ")
AFTER_VOWEL = frozenset("ːˑ\u0329\u032f")
DIPHTHONGS = frozenset({("a", "ɪ"), ("a", "ʊ"), ("ɔ", "ɪ"), ("e", "ɪ"), ("o", "ʊ")})
# Phonemes the syllables are built from besides vowels; anything else (punctuation,
# spaces, tone numbers) is dropped from a word.
_CONSONANTS = frozenset("bcdfhjklmnpqrstvwxzçðŋɟɡɣɦɫɬɭɮɰɱɲɳɴɸɹɺɻɽɾʁʂʃʈʋʍʎʐʑʒʔʝβθχ")
# Used when a word yields no phoneme at all, so the note is still sung.
FALLBACK = ("ˈ", "ʌ")

_ESPEAK_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Syllable:
    """Index ranges ``[start, end)`` into a word's phonemes. ``onset`` and ``coda`` may be
    empty; ``nucleus`` never is."""

    onset: tuple[int, int]
    nucleus: tuple[int, int]
    coda: tuple[int, int]


def is_vocalic(phoneme: str) -> bool:
    """Whether the phoneme is (part of) a vowel nucleus."""
    return phoneme in VOWELS or phoneme in STRESS or phoneme in AFTER_VOWEL


def clean(phonemes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Keep only the phonemes a syllable can be built from."""
    return tuple(
        p for p in phonemes if p in VOWELS or p in STRESS or p in AFTER_VOWEL or p in _CONSONANTS
    )


@lru_cache(maxsize=4096)
def english_phonemes(word: str) -> tuple[str, ...]:
    """espeak-ng's en-US phonemes of one word (punctuation ignored); never empty."""
    text = re.sub(r"[^\w' -]+", " ", word).strip()
    if not text:
        return FALLBACK
    with _ESPEAK_LOCK:
        sentences = _espeak().phonemize("en-us", text)
    flat = [unicodedata.normalize("NFD", p) for sentence in sentences for p in sentence]
    phonemes = clean([c for p in flat for c in p])
    if not any(p in VOWELS for p in phonemes):
        phonemes = (*phonemes, *FALLBACK)
    return phonemes


@lru_cache(maxsize=1)
def _espeak() -> Any:
    from piper.phonemize_espeak import EspeakPhonemizer

    return EspeakPhonemizer()


def nuclei(phonemes: tuple[str, ...]) -> list[tuple[int, int]]:
    """The vowel nuclei of a word as index ranges. Stress marks join the vowel after them,
    length marks the vowel before; a diphthong is one nucleus, other vowel pairs two."""
    found: list[tuple[int, int]] = []
    i, n = 0, len(phonemes)
    while i < n:
        if phonemes[i] not in VOWELS and phonemes[i] not in STRESS:
            i += 1
            continue
        start = i
        while i < n and phonemes[i] in STRESS:
            i += 1
        if i >= n or phonemes[i] not in VOWELS:
            # A stress mark on a syllabic consonant ("button": ʔ n ̩): let it go.
            continue
        i += 1
        if i < n and (phonemes[i - 1], phonemes[i]) in DIPHTHONGS:
            i += 1
        while i < n and phonemes[i] in AFTER_VOWEL:
            i += 1
        found.append((start, i))
    # Syllabic consonants ("n̩") are nuclei of their own.
    for index, phoneme in enumerate(phonemes):
        if phoneme == "\u0329" and index > 0 and phonemes[index - 1] not in VOWELS:
            found.append((index - 1, index + 1))
    found.sort()
    return found


def syllabify(phonemes: tuple[str, ...]) -> list[Syllable]:
    """Split a word into syllables, one per nucleus. A consonant between two nuclei opens
    the next syllable; of a cluster, only the last consonant does."""
    cores = nuclei(phonemes)
    if not cores:
        return [Syllable((0, 0), (0, len(phonemes)), (len(phonemes), len(phonemes)))]
    syllables: list[Syllable] = []
    onset_start = 0
    for k, (start, end) in enumerate(cores):
        if k + 1 < len(cores):
            following = cores[k + 1][0]
            split = following - 1 if following - end >= 1 else following
            split = max(split, end)
        else:
            split = len(phonemes)
        syllables.append(Syllable((onset_start, start), (start, end), (end, split)))
        onset_start = split
    return syllables
