"""Lyrics text to sections, lines, words and syllables (English and Chinese).

``[Verse]``, ``[Chorus 2]``, ``【副歌】``-style markers start sections (any label; unknown
ones sing like a verse); lines before the first marker form a verse. Text in parentheses
(backing vocals) and in brackets is never sung. A Chinese character is one syllable sung
as its toneless pinyin; an English word has as many syllables as the CMU dictionary says
(a vowel-group estimate otherwise) and is sung whole on each of them. Characters that
cannot be sung (emoji, symbols) are dropped. Parsing never fails on any text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from chorus.engine._syllables import english_syllables, number_words, pinyin, split_word
from chorus.engine.score import Language

#: Section kinds the composer knows; every marker maps to one of them.
KINDS = (
    "Intro",
    "Verse",
    "Pre-Chorus",
    "Chorus",
    "Hook",
    "Bridge",
    "Instrumental",
    "Solo",
    "Outro",
)
#: Kinds that are played, not sung, unless they carry lines.
INSTRUMENTAL_KINDS = ("Intro", "Instrumental", "Solo", "Outro")

_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pre-Chorus", ("pre-chorus", "pre chorus", "prechorus", "pre", "导歌", "预副歌")),
    ("Hook", ("hook", "post-chorus", "post chorus")),
    ("Chorus", ("chorus", "refrain", "副歌", "合唱", "高潮")),
    ("Intro", ("intro", "introduction", "opening", "前奏", "引子")),
    ("Outro", ("outro", "ending", "end", "coda", "fade", "尾奏", "结尾", "尾声")),
    ("Bridge", ("bridge", "middle 8", "桥段", "过渡")),
    ("Solo", ("solo", "guitar solo", "独奏")),
    ("Instrumental", ("instrumental", "interlude", "break", "drop", "breakdown", "间奏", "器乐")),
    ("Verse", ("verse", "主歌", "段落")),
)

_MARKER = re.compile(r"^\s*[\[【]([^\]】]*)[\]】]\s*(.*)$")
_UNSUNG = re.compile(r"\([^)]*\)?|（[^）]*）?|\[[^\]]*\]?|【[^】]*】?|\{[^}]*\}?")
# Emoji and other symbols, private-use and unassigned code points, lone surrogates.
_UNPRINTABLE = frozenset({"So", "Sk", "Co", "Cn", "Cs", "Cc", "Cf"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class Syllable:
    """``text`` as written; ``phonetic`` what the voice says (whole word or pinyin)."""

    text: str
    phonetic: str


@dataclass(frozen=True, slots=True)
class Word:
    """A sung word without punctuation, with its syllables and language."""

    text: str
    syllables: tuple[Syllable, ...]
    language: Language


@dataclass(frozen=True, slots=True)
class Line:
    """A lyric line: ``text`` as written (punctuation kept, backing parts removed)."""

    text: str
    words: tuple[Word, ...]
    language: Language

    @property
    def syllable_count(self) -> int:
        return sum(len(w.syllables) for w in self.words)


@dataclass(frozen=True, slots=True)
class LyricSection:
    """A section of the lyrics: ``kind`` one of :data:`KINDS`, ``label`` as written."""

    kind: str
    label: str
    lines: tuple[Line, ...]

    @property
    def syllable_count(self) -> int:
        return sum(line.syllable_count for line in self.lines)


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def _is_other_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF


@functools.lru_cache(maxsize=1024)
def section_kind(label: str) -> str:
    """The kind a marker label stands for (``"Verse 2"`` -> ``Verse``); unknown -> Verse."""
    text = re.sub(r"[\d:：#.\-_]+", " ", label.lower()).strip()
    text = re.sub(r"\s+", " ", text)
    for kind, words in _KIND_WORDS:
        for word in words:
            if word.isascii():
                if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                    return kind
            elif word in text:
                return kind
    if "pre" in label.lower() and "chorus" in label.lower():
        return "Pre-Chorus"
    return "Verse"


def _tokens(text: str) -> list[tuple[str, str]]:
    """Split sung text into (token, class) with class ``han``, ``cjk`` or ``word``."""
    tokens: list[tuple[str, str]] = []
    current: list[str] = []

    def flush() -> None:
        word = "".join(current).strip("'-")
        if word:
            tokens.append((word, "word"))
        current.clear()

    for ch in unicodedata.normalize("NFC", text.translate(_APOSTROPHES)):
        if _is_han(ch):
            flush()
            tokens.append((ch, "han"))
        elif _is_other_cjk(ch):
            flush()
            tokens.append((ch, "cjk"))
        else:
            category = unicodedata.category(ch)
            if category[0] in "LN" and category != "No":
                current.append(ch)
            elif category[0] == "M" or ch in "'-":
                if current:
                    current.append(ch)
            else:
                flush()
    flush()
    return tokens


def _english_word(token: str) -> list[Word]:
    if token.isdigit() and token.isascii():
        spoken = number_words(token)
        pieces = [p for w in spoken.split() for p in split_word(w, english_syllables(w))]
        return [Word(token, tuple(Syllable(p, spoken) for p in pieces), "en")]
    count = english_syllables(token)
    pieces = split_word(token, count)
    return [Word(token, tuple(Syllable(p, token) for p in pieces), "en")]


def _printable(ch: str) -> bool:
    return unicodedata.category(ch) not in _UNPRINTABLE and ch not in "\ufe0e\ufe0f\u200d"


@functools.lru_cache(maxsize=4096)
def parse_line(text: str) -> Line | None:
    """Parse one lyric line; None when nothing in it is sung. Lines are immutable, so a
    line parsed again (a chorus, the lyrics fitter trying form after form) is the one
    parsed before."""
    shown = "".join(ch for ch in _UNSUNG.sub(" ", text) if _printable(ch))
    shown = re.sub(r"\s+", " ", shown).strip()
    tokens = _tokens(shown)
    words: list[Word] = []
    i = 0
    while i < len(tokens):
        token, cls = tokens[i]
        if cls == "han":
            j = i
            while j < len(tokens) and tokens[j][1] == "han":
                j += 1
            run = "".join(t for t, _ in tokens[i:j])
            for ch, reading in zip(run, pinyin(run), strict=True):
                words.append(Word(ch, (Syllable(ch, reading),), "zh"))
            i = j
            continue
        if cls == "cjk":
            # Kana and Hangul have no pinyin; each is sung on a neutral vowel.
            words.append(Word(token, (Syllable(token, "la"),), "en"))
        else:
            words.extend(_english_word(token))
        i += 1
    if not words:
        return None
    zh = sum(len(w.syllables) for w in words if w.language == "zh")
    total = sum(len(w.syllables) for w in words)
    return Line(shown, tuple(words), "zh" if zh * 2 > total else "en")


def parse_lyrics(text: str) -> list[LyricSection]:
    """Parse lyrics into sections of lines of words of syllables.

    A marker with no lines of its own (``[Chorus]`` written again) repeats the lines of
    the last section with the same label, or else of the same kind, so a chorus written
    once can be called back. Empty text gives no sections.
    """
    return list(_parse_lyrics(text))


@functools.lru_cache(maxsize=256)
def _parse_lyrics(text: str) -> tuple[LyricSection, ...]:
    """:func:`parse_lyrics`, kept: sections are immutable, and the lyrics fitter and the
    composer parse the same text many times."""
    sections: list[LyricSection] = []
    kind: str = "Verse"
    label: str = "Verse"
    lines: list[Line] = []
    started = False

    def close() -> None:
        if not started and not lines:
            return
        own: tuple[Line, ...] = tuple(lines)
        if not own and kind not in INSTRUMENTAL_KINDS:
            for earlier in reversed(sections):
                if earlier.lines and earlier.label.lower() == label.lower():
                    own = earlier.lines
                    break
            else:
                for earlier in reversed(sections):
                    if earlier.lines and earlier.kind == kind:
                        own = earlier.lines
                        break
        sections.append(LyricSection(kind, label, own))

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        marker = _MARKER.match(raw)
        rest = raw
        if marker:
            close()
            label = marker.group(1).strip()[:40] or "Verse"
            label = label.split(":")[0].strip() or label
            kind = section_kind(label)
            lines = []
            started = True
            rest = marker.group(2)
        line = parse_line(rest)
        if line is not None:
            lines.append(line)
    close()
    return tuple(sections)


def preload() -> None:
    """Load the pronouncing dictionary and the pinyin tables now (about half a second),
    so that the first song a process composes does not pay for them."""
    english_syllables("hello")
    pinyin("你好")


def song_language(sections: list[LyricSection]) -> Language:
    """``zh`` when most sung syllables are Chinese, else ``en``."""
    zh = total = 0
    for section in sections:
        for line in section.lines:
            for word in line.words:
                total += len(word.syllables)
                zh += len(word.syllables) if word.language == "zh" else 0
    return "zh" if total and zh * 2 > total else "en"
