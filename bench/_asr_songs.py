"""Hand-made test songs for the voice benchmark: lyric lines on simple melodies."""

from __future__ import annotations

import re

from chorus.engine.score import Score, Section, SungNote

LINES_EN: tuple[str, ...] = (
    "the summer night is calling me home",
    "and I will follow the river down to the sea",
    "hold on to the light in your eyes",
    "we were young and we were free",
    "every road is leading back to you",
    "I can see the morning light",
    "tell me that you love me too",
    "we will dance until the end of time",
    "there is a fire burning in my heart",
    "you are the only one I need",
    "when the rain is falling down",
    "I will never let you go",
    "the city lights are shining bright",
    "walking on the empty street alone",
    "take my hand and come with me",
    "nothing else can stop us now",
    "I remember every word you said",
    "the stars are dancing in the sky",
    "give me one more chance tonight",
    "we are running out of time",
)

LINES_ZH: tuple[tuple[str, ...], ...] = (
    ("wo", "ai", "ni", "zhong", "guo"),
    ("yue", "liang", "dai", "biao", "wo", "de", "xin"),
    ("tian", "shang", "de", "xing", "xing", "bu", "shuo", "hua"),
)

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllable_count(word: str) -> int:
    """Syllables of an English word (CMU dictionary, else vowel groups)."""
    import pronouncing

    phones = pronouncing.phones_for_word(word.lower().strip("'"))
    if phones:
        return max(1, int(pronouncing.syllable_count(phones[0])))
    return max(1, len(_VOWEL_GROUPS.findall(word.lower())))


def make_score(
    lines: tuple[str, ...] | tuple[tuple[str, ...], ...],
    *,
    voice: str = "male",
    tempo: float = 110.0,
    base: int = 50,
    language: str = "en",
    melody: tuple[int, ...] = (0, 2, 4, 5, 7, 5, 4, 2, 0, -1),
    beats: tuple[float, ...] = (0.5, 0.5, 1.0, 0.5, 0.5, 1.0, 1.5),
    legato: float = 0.95,
) -> Score:
    """A one-section score singing ``lines`` (English text, or tuples of pinyin) with one
    syllable per note on a repeating rhythm (``beats``) and melody (semitones over
    ``base``), a two-beat rest between lines."""
    beat = 60.0 / tempo
    time, word_index, notes = 0.5, 0, []
    for line_index, line in enumerate(lines):
        words = line.split() if isinstance(line, str) else list(line)
        k = 0
        for word in words:
            count = syllable_count(word) if language == "en" else 1
            for syllable in range(count):
                length = beat * beats[k % len(beats)]
                notes.append(
                    SungNote(
                        start=round(time, 4),
                        duration=round(length * legato, 4),
                        pitch=base + melody[k % len(melody)],
                        text=word,
                        word=word,
                        phonetic=word,
                        word_index=word_index,
                        syllable_index=syllable,
                        syllable_count=count,
                        line_index=line_index,
                        section_index=0,
                        language="zh" if language == "zh" else "en",
                    )
                )
                time += length
                k += 1
            word_index += 1
        time += 2 * beat
    section = Section("Verse", "Verse", 0.0, time + 0.5, 8, tuple(" ".join(w) for w in lines))
    return Score(
        title="bench",
        tags="pop",
        genre="pop",
        mood="happy",
        seed=0,
        tempo=tempo,
        meter=4,
        swing=0.0,
        key=0,
        mode="major",
        duration=time + 0.5,
        voice="female" if voice == "female" else "male",
        language="zh" if language == "zh" else "en",
        sections=(section,),
        chords=(),
        tracks=(),
        vocal=tuple(notes),
    )
