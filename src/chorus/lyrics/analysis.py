"""Reading an idea: its language, theme words, theme clusters, mood, genre and voice.

English ideas are split into words; Chinese ideas are segmented by longest match over the
lexicon in ``_vocab_zh``, and runs of characters the lexicon does not know (names such as
"零一世界") are kept whole up to four characters, longer ones cut into bigrams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from chorus.lyrics._vocab_en import CLUSTERS, MOODS, RHYME_ADJS
from chorus.lyrics._vocab_zh import (
    ZH_CLUSTERS,
    ZH_GENRES,
    ZH_MOODS,
    ZH_STOP,
    ZH_VOICES,
    words,
)
from chorus.lyrics.tags import detect_genre, detect_voice

Language = Literal["en", "zh"]
ThemeKind = Literal["noun", "mass", "name", "adj"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
MAX_THEMES = 3

_EN_STOP = frozenset(
    words(
        """
        a an the and or but of to in on at by for with about from into over under
        through my your our their his her its me you we they i he she it us them this
        that these those is are was were be been being am do does did have has had will
        would can could should song songs track tune lyrics music write make create want
        please some something song's like as so very really just too more most much many
        all any every no not one two three vocals vocal voice voices singer sung sing
        female male feat featuring style genre mood kind type sort way thing things bit
        lot get got let up down out off again then than when while where what who how
        why which there here now new old big little small good bad great nice best late
        early long short ever never always still also even only own late-night tonight
        today across along around behind beyond between toward towards without within
        inside outside near after before during against among upon until since
        """
    )
)
# A theme word sung without "the": abstract and mass nouns.
_MASS = frozenset(
    words(
        """
        love rain code coding music time snow sunshine coffee fire water money freedom
        hope light darkness gold summer winter spring autumn home heaven space christmas
        friday
        """
    )
)
_FORMS_ZH: dict[str, str] = {
    "猫": "猫咪",
    "狗": "小狗",
    "海": "大海",
    "雨": "雨水",
    "夜": "夜晚",
    "爱": "爱情",
    "家": "家乡",
    "梦": "梦想",
    "雪": "雪花",
    "风": "微风",
    "花": "花朵",
    "河": "河流",
    "山": "高山",
    "歌": "歌声",
    "哭": "哭泣",
    "树": "大树",
    "路": "道路",
    "喵": "喵喵",
    "汪": "汪汪",
    "燃": "燃烧",
}


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme word of the idea and how it is sung (``text``; for Chinese one-character
    themes a two-character form containing it)."""

    word: str
    text: str
    kind: ThemeKind = "noun"


@dataclass(frozen=True, slots=True)
class Idea:
    text: str
    language: Language
    themes: tuple[Theme, ...]
    clusters: tuple[str, ...]
    mood: str
    genre: str | None
    voice: str | None


def detect_language(idea: str) -> Language:
    """ "zh" when the idea has Chinese characters, else "en"."""
    return "zh" if _CJK.search(idea) else "en"


def read_idea(idea: str) -> Idea:
    """Analyse an idea (already checked non-empty)."""
    language = detect_language(idea)
    genre, voice = detect_genre(idea), detect_voice(idea)
    if language == "zh":
        themes, clusters, mood = _read_zh(idea)
    else:
        themes, clusters, mood = _read_en(idea)
    if genre == "lullaby" and mood not in ("sad", "romantic"):
        mood = "calm"
    return Idea(idea, language, themes, clusters, mood, genre, voice)


_CLUSTER_MOOD: dict[str, str] = {
    "sadness": "sad",
    "party": "happy",
    "love": "romantic",
    "summer": "happy",
    "cat": "happy",
    "dog": "happy",
    "rain": "sad",
    "home": "nostalgic",
    "time": "nostalgic",
    "night": "calm",
    "code": "calm",
    "sea": "calm",
    "nature": "calm",
    "winter": "calm",
    "road": "hopeful",
    "dreams": "hopeful",
    "space": "hopeful",
    "city": "energetic",
    "music": "happy",
}


def _mood_from(scores: dict[str, int], clusters: tuple[str, ...]) -> str:
    if any(scores.values()):
        return max(scores, key=lambda m: scores[m])  # dict order breaks ties
    for name in clusters:
        if name in _CLUSTER_MOOD:
            return _CLUSTER_MOOD[name]
    return "hopeful"


# Words about the music rather than the subject: they steer tags, never themes.
_EN_STYLE = frozenset(
    words(
        """
        sad happy joyful cheerful upbeat melancholy melancholic lonely romantic calm
        chill relaxing relaxed peaceful quiet gentle energetic powerful loud angry
        hopeful inspiring inspirational nostalgic retro dreamy fun bright slow fast soft
        heavy emotional catchy bittersweet epic cozy moody dark groovy funky uplifting
        sentimental wistful playful pop rock punk folk ballad lofi lo-fi hip hop rap
        trap edm electronic synthwave synth jazz blues country reggae metal rnb soul
        funk disco orchestral cinematic ambient latin lullaby anthem acoustic indie
        instrumental tempo bpm techno house trance 80s 90s beat beats grunge classical
        symphonic soundtrack salsa reggaeton bossa tango swing
        """
    )
)


def _read_en(idea: str) -> tuple[tuple[Theme, ...], tuple[str, ...], str]:
    tokens = _EN_WORD.findall(idea)
    style = _EN_STYLE
    adjectives = set(RHYME_ADJS) | {a for c in CLUSTERS for a in c.adjs}
    themes: list[tuple[int, int, Theme]] = []
    seen: set[str] = set()
    cluster_hits: dict[str, int] = {}
    scores = {m.name: 0 for m in MOODS}
    for position, token in enumerate(tokens):
        low = token.lower().strip("'-")
        for mood in MOODS:
            if low in mood.triggers:
                scores[mood.name] += 1
        triggered = [c.name for c in CLUSTERS if low in c.triggers]
        for name in triggered:
            cluster_hits.setdefault(name, position)
        if low in _EN_STOP or low in style or len(low) < 3 or low in seen or low.endswith("ly"):
            continue
        seen.add(low)
        if token[0].isupper() and position > 0 and not token.isupper():
            kind: ThemeKind = "name"
            text = token
        elif low in adjectives:
            kind, text = "adj", low
        else:
            kind = "mass" if low in _MASS or low.endswith("ing") else "noun"
            text = low
        rank = 0 if triggered or kind == "name" else (2 if kind == "adj" else 1)
        themes.append((rank, position, Theme(low, text, kind)))
    themes.sort(key=lambda t: (t[0], t[1]))
    clusters = tuple(sorted(cluster_hits, key=lambda n: cluster_hits[n]))
    chosen = tuple(t for _, _, t in themes[:MAX_THEMES])
    return chosen, clusters, _mood_from(scores, clusters)


@cache
def _zh_lexicon() -> tuple[frozenset[str], frozenset[str], int]:
    """(content words, function and style words, longest entry)."""
    content: set[str] = set()
    for c in ZH_CLUSTERS:
        content.update(c.triggers, c.nouns, c.places)
    content -= set(ZH_STOP)
    style = set(ZH_STOP) | set(ZH_GENRES) | set(ZH_VOICES)
    style |= {w for words in ZH_MOODS.values() for w in words} - content
    longest = max(len(w) for w in content | style)
    return frozenset(content), frozenset(style), longest


def segment_zh(text: str) -> list[tuple[str, str]]:
    """Forward longest-match segmentation of one run of Chinese characters.

    Returns (segment, kind) with kind "content", "style" or "unknown"; consecutive unknown
    characters are returned as one segment.
    """
    content, style, longest = _zh_lexicon()
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in content or piece in style:
                out.append((piece, "content" if piece in content else "style"))
                i += size
                break
        else:
            if out and out[-1][1] == "unknown":
                out[-1] = (out[-1][0] + text[i], "unknown")
            else:
                out.append((text[i], "unknown"))
            i += 1
    return out


def _read_zh(idea: str) -> tuple[tuple[Theme, ...], tuple[str, ...], str]:
    themes: list[tuple[int, int, Theme]] = []
    seen: set[str] = set()
    cluster_hits: dict[str, int] = {}
    position = 0
    for run in _CJK_RUN.findall(idea):
        for piece, kind in segment_zh(run):
            position += 1
            if kind == "style":
                continue
            for c in ZH_CLUSTERS:
                if piece in c.triggers or piece in c.nouns:
                    cluster_hits.setdefault(c.name, position)
            if kind == "unknown":
                pieces = (
                    [piece]
                    if len(piece) <= 4
                    else [piece[k : k + 2] for k in range(0, len(piece) - 1, 2)]
                )
                candidates = [(p, 0) for p in pieces if len(p) >= 2]
            else:
                candidates = [(piece, 0)]
            for word, rank in candidates:
                if word in seen:
                    continue
                seen.add(word)
                sung = _FORMS_ZH.get(word, word) if len(word) == 1 else word
                themes.append((rank, position, Theme(word, sung, "noun")))
    scores = {mood: sum(idea.count(w) for w in words) for mood, words in ZH_MOODS.items()}
    themes.sort(key=lambda t: (t[0], t[1]))
    clusters = tuple(sorted(cluster_hits, key=lambda n: cluster_hits[n]))
    chosen = tuple(t for _, _, t in themes[:MAX_THEMES])
    return chosen, clusters, _mood_from(scores, clusters)
