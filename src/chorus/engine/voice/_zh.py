"""Toneless pinyin to the English voice's phonemes.

The voice only knows American English sounds, so each Mandarin syllable is spelled with
the nearest ones (``zh`` as in "judge", ``x`` as in "she", ``ü`` as "you"). Every
syllable gets a stressed vowel so that it is sung as one full syllable.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Longest initials first so that "zh" wins over "z".
_INITIALS: tuple[tuple[str, str], ...] = (
    ("zh", "dʒ"),
    ("ch", "tʃ"),
    ("sh", "ʃ"),
    ("b", "b"),
    ("p", "p"),
    ("m", "m"),
    ("f", "f"),
    ("d", "d"),
    ("t", "t"),
    ("n", "n"),
    ("l", "l"),
    ("g", "ɡ"),
    ("k", "k"),
    ("h", "h"),
    ("j", "dʒ"),
    ("q", "tʃ"),
    ("x", "ʃ"),
    ("r", "ɹ"),
    ("z", "dz"),
    ("c", "ts"),
    ("s", "s"),
    ("y", "j"),
    ("w", "w"),
)

# Finals, written with ``v`` for ü; ``ˈ`` marks the vowel the singer holds.
_FINALS: dict[str, str] = {
    "a": "ˈɑː",
    "o": "ˈɔː",
    "e": "ˈʌ",
    "ai": "ˈaɪ",
    "ei": "ˈeɪ",
    "ao": "ˈaʊ",
    "ou": "ˈoʊ",
    "an": "ˈɑːn",
    "en": "ˈʌn",
    "ang": "ˈɑːŋ",
    "eng": "ˈʌŋ",
    "ong": "ˈʊŋ",
    "er": "ˈɑɹ",
    "i": "ˈiː",
    "ia": "jˈɑː",
    "ie": "jˈɛ",
    "iao": "jˈaʊ",
    "iu": "jˈoʊ",
    "iou": "jˈoʊ",
    "io": "jˈoʊ",
    "ian": "jˈɛn",
    "in": "ˈɪn",
    "iang": "jˈɑːŋ",
    "ing": "ˈɪŋ",
    "iong": "jˈʊŋ",
    "u": "ˈuː",
    "ua": "wˈɑː",
    "uo": "wˈɔː",
    "uai": "wˈaɪ",
    "ui": "wˈeɪ",
    "uei": "wˈeɪ",
    "uan": "wˈɑːn",
    "un": "wˈʌn",
    "uen": "wˈʌn",
    "uang": "wˈɑːŋ",
    "ueng": "wˈʌŋ",
    "v": "ˈuː",
    "ve": "wˈɛ",
    "van": "wˈɛn",
    "vn": "ˈuːn",
    "m": "ˈʌm",
    "n": "ˈʌn",
    "ng": "ˈʌŋ",
    "ê": "ˈɛ",
}

# After these initials ``u`` spells ü.
_PALATAL = frozenset({"j", "q", "x"})
# The apical vowel of zi/ci/si and zhi/chi/shi/ri.
_APICAL = {"z": "ˈə", "c": "ˈə", "s": "ˈə", "zh": "ˈɚ", "ch": "ˈɚ", "sh": "ˈɚ", "r": "ˈɚ"}
_INITIAL_PHONEMES = dict(_INITIALS)


def _split(syllable: str) -> tuple[str, str]:
    for initial, _ in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def _canonical(initial: str, final: str) -> tuple[str, str, str]:
    """``(initial, final, glide)`` with the y/w spellings and ü written out."""
    glide = ""
    if initial == "y":
        initial = ""
        if final.startswith(("u", "v")):
            final, glide = "v" + final[1:], "j"
        elif not final.startswith("i"):
            final = "i" + final
    elif initial == "w":
        initial = ""
        if not final.startswith("u"):
            final = "u" + final
    elif initial in _PALATAL and final.startswith("u"):
        final = "v" + final[1:]
    elif final.startswith("v") and initial in {"l", "n", ""}:
        glide = "j"
    return initial, final, glide


@lru_cache(maxsize=2048)
def pinyin_phonemes(pinyin: str) -> tuple[str, ...] | None:
    """Phonemes for one toneless pinyin syllable (``"zhong"``, ``"lv"``, ``"nü"``), or
    None when it is not pinyin."""
    syllable = pinyin.strip().lower().replace("ü", "v").replace("u:", "v")
    syllable = re.sub(r"[1-5]$", "", syllable)
    if not re.fullmatch(r"[a-zê]+", syllable):
        return None
    initial, final, glide = _canonical(*_split(syllable))
    if initial in _APICAL and final == "i":
        vowel = _APICAL[initial]
    elif final in _FINALS:
        vowel = _FINALS[final]
    else:
        # Interjections written without a vowel ("ng", "hm").
        initial, glide, vowel = "", "", _FINALS.get(syllable, "")
    if not vowel:
        return None
    return (*_INITIAL_PHONEMES.get(initial, ""), *glide, *vowel)
