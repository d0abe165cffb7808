"""Style tags: genre, mood and voice read from an idea, written as Suno-like tags.

Genre words are the ones the engine's style resolver understands (pop, rock, punk, folk,
ballad, lofi hip hop, hip hop, edm, synthwave, jazz, blues, country, reggae, metal, r&b,
funk, orchestral, ambient, latin, lullaby), so the tags written here steer the built-in
engine as well as any other.
"""

from __future__ import annotations

import random
import re

from chorus.lyrics._vocab_zh import ZH_GENRES, ZH_VOICES

# (pattern over the lower-cased idea, genre); earlier entries win, so the specific
# ("lofi hip hop", "synth pop") come before the general ("hip hop", "pop").
_EN_GENRES: tuple[tuple[str, str], ...] = (
    (r"\blo-?fi\b", "lofi hip hop"),
    (r"\bsynth ?wave\b|\bsynth-?pop\b|\b80s\b|\bretrowave\b|\bcyberpunk\b", "synthwave"),
    (r"\bhip[- ]?hop\b|\brap\b|\btrap\b", "hip hop"),
    (r"\bpunk\b", "punk"),
    (r"\bmetal\b|\bheavy\b", "metal"),
    (r"\brock\b|\bgrunge\b", "rock"),
    (r"\bfolk\b|\bacoustic\b|\bsinger-songwriter\b", "folk"),
    (r"\bballad\b", "ballad"),
    (r"\bedm\b|\belectronic\b|\btechno\b|\bhouse\b|\btrance\b|\brave\b|\bclub\b", "edm"),
    (r"\bjazz\b|\bswing\b|\bbebop\b", "jazz"),
    (r"\bblues\b", "blues"),
    (r"\bcountry\b|\bbluegrass\b|\bcowboy\b", "country"),
    (r"\breggae\b|\bdub\b|\bska\b", "reggae"),
    (r"\br&b\b|\br ?n ?b\b|\bsoul\b|\bneo-soul\b", "r&b"),
    (r"\bfunk\b|\bfunky\b|\bdisco\b", "funk"),
    (
        r"\borchestral\b|\bcinematic\b|\bepic\b|\bsymphon\w*|\bclassical\b|\bsoundtrack\b",
        "orchestral",
    ),
    (r"\bambient\b|\bmeditation\b|\bdrone\b", "ambient"),
    (r"\blatin\b|\bsalsa\b|\breggaeton\b|\bbossa\b|\btango\b", "latin"),
    (r"\blullaby\b|\bcradle\b|\bbedtime\b|\bnursery\b", "lullaby"),
    (r"\bpop\b|\bk-?pop\b|\bj-?pop\b", "pop"),
)
_EN_VOICES: tuple[tuple[str, str], ...] = (
    (r"\bfemale\b|\bwoman'?s? voice\b|\bsoprano\b|\bgirl'?s? voice\b|\bdiva\b", "female vocals"),
    (r"\bmale\b|\bman'?s? voice\b|\bbaritone\b|\bboy'?s? voice\b", "male vocals"),
)
# Mood -> genres that suit it when the idea names none, and the mood's word in tags.
_MOOD_GENRES: dict[str, tuple[str, ...]] = {
    "sad": ("folk", "ballad", "pop", "blues"),
    "happy": ("pop", "funk", "reggae", "country"),
    "romantic": ("ballad", "r&b", "pop", "jazz"),
    "calm": ("lofi hip hop", "ambient", "folk", "jazz"),
    "energetic": ("rock", "punk", "edm", "pop"),
    "dark": ("metal", "synthwave", "rock"),
    "hopeful": ("pop", "rock", "folk", "orchestral"),
    "nostalgic": ("synthwave", "folk", "pop", "blues"),
}
# Some themes pull the genre: a party wants dancing, late-night code wants beats.
_CLUSTER_GENRES: dict[str, tuple[str, ...]] = {
    "party": ("edm", "pop", "funk"),
    "code": ("lofi hip hop", "synthwave"),
    "space": ("synthwave", "ambient"),
    "road": ("rock", "country"),
    "sea": ("reggae", "folk"),
    "city": ("synthwave", "hip hop", "pop"),
}
_MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "sad": ("melancholic", "bittersweet", "wistful"),
    "happy": ("upbeat", "cheerful", "bright"),
    "romantic": ("romantic", "tender", "warm"),
    "calm": ("chill", "mellow", "soft"),
    "energetic": ("energetic", "driving", "powerful"),
    "dark": ("dark", "brooding", "moody"),
    "hopeful": ("uplifting", "hopeful", "anthemic"),
    "nostalgic": ("nostalgic", "dreamy", "wistful"),
}
# Genres whose usual singer the voice defaults towards (weights female, male).
_GENRE_VOICE_BIAS: dict[str, float] = {"lullaby": 0.8, "metal": 0.2, "punk": 0.3, "country": 0.4}


def detect_genre(text: str) -> str | None:
    """The genre an idea names, English or Chinese, or None."""
    for word, genre in ZH_GENRES.items():
        if word in text:
            return genre
    lowered = text.lower()
    for pattern, genre in _EN_GENRES:
        if re.search(pattern, lowered):
            return genre
    return None


def detect_voice(text: str) -> str | None:
    """ "female vocals" / "male vocals" when the idea asks for one, else None."""
    for word, voice in ZH_VOICES.items():
        if word in text:
            return voice
    lowered = text.lower()
    for pattern, voice in _EN_VOICES:
        if re.search(pattern, lowered):
            return voice
    return None


def compose_tags(
    mood: str,
    genre: str | None,
    voice: str | None,
    clusters: tuple[str, ...],
    rng: random.Random,
) -> str:
    """Suno-like tags, e.g. "melancholic folk, male vocals".

    The genre named in the idea wins; otherwise one that suits the theme or the mood.
    """
    if genre is None:
        choices: tuple[str, ...] = ()
        for name in clusters[:1]:
            choices = _CLUSTER_GENRES.get(name, ())
        genre = rng.choice(choices or _MOOD_GENRES.get(mood, ("pop",)))
    if mood == "calm" and genre == "lullaby":
        mood_word = "gentle"
    else:
        mood_word = rng.choice(_MOOD_WORDS.get(mood, ("warm",)))
    if voice is None:
        female = _GENRE_VOICE_BIAS.get(genre, 0.5)
        voice = "female vocals" if rng.random() < female else "male vocals"
    return f"{mood_word} {genre}, {voice}"
