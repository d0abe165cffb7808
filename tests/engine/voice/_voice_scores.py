"""A small factory of sung scores for the voice tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chorus.engine.score import Language, Score, Section, SungNote, Voice

# (phonetic, start s, duration s, MIDI pitch); one word per tuple, one note per word.
NoteSpec = tuple[str, float, float, int]
MakeScore = Callable[..., Score]


def vocal_score(
    notes: Sequence[NoteSpec],
    *,
    voice: Voice = "male",
    language: Language = "en",
    duration: float | None = None,
    line_breaks: Sequence[int] = (),
) -> Score:
    """A score singing one single-syllable word per note; a new lyric line starts at each
    index in ``line_breaks``."""
    sung: list[SungNote] = []
    line = 0
    for index, (phonetic, start, length, pitch) in enumerate(notes):
        if index in line_breaks:
            line += 1
        sung.append(
            SungNote(
                start=start,
                duration=length,
                pitch=pitch,
                text=phonetic,
                word=phonetic,
                phonetic=phonetic,
                word_index=index,
                syllable_index=0,
                syllable_count=1,
                line_index=line,
                section_index=0,
                language=language,
            )
        )
    end = duration if duration is not None else max(n.end for n in sung) + 1.0
    return Score(
        title="voice test",
        tags="pop",
        genre="pop",
        mood="calm",
        seed=1,
        tempo=120.0,
        meter=4,
        swing=0.0,
        key=0,
        mode="major",
        duration=end,
        voice=voice,
        language=language,
        sections=(Section("Verse", "Verse", 0.0, end, 4),),
        chords=(),
        tracks=(),
        vocal=tuple(sung),
    )
