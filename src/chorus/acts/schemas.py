"""Wire models of the clip act routes (documentation of the answers)."""

from __future__ import annotations

from pydantic import BaseModel


class AlignedWord(BaseModel):
    """A sung word and when it sounds, in seconds from the start of the clip.
    ``section`` and ``line`` (Chorus's own) index the section and the line in it."""

    word: str
    start_s: float
    end_s: float
    success: bool = True
    p_align: float = 1.0
    section: int | None = None
    line: int | None = None


class SectionSpan(BaseModel):
    label: str
    start_s: float
    end_s: float


class Timing(BaseModel):
    """Word timings (known once the song is composed) and ``waveform_data``, peak levels
    0..1 across the clip (known once it is complete; empty before)."""

    aligned_words: list[AlignedWord]
    waveform_data: list[float]
    sections: list[SectionSpan] = []


class TimingAnswer(BaseModel):
    code: str = "success"
    message: str = ""
    data: Timing
