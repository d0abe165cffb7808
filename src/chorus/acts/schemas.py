"""Wire models of the clip act routes (documentation of the answers)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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


class SubmitConcat(BaseModel):
    """``POST /suno/submit/concat``: the last clip of an extension chain."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"clip_id": "<clip id>"}]}
    )

    clip_id: str = Field(max_length=64)


class ConcatAnswer(BaseModel):
    """The id of the task that makes the joined clip (fetch it like any task)."""

    code: str = "success"
    message: str = ""
    data: str


class WavLink(BaseModel):
    clip_id: str
    wav_url: str


class WavAnswer(BaseModel):
    code: str = "success"
    message: str = ""
    data: WavLink


class MidiLink(BaseModel):
    clip_id: str
    midi_url: str


class MidiAnswer(BaseModel):
    code: str = "success"
    message: str = ""
    data: MidiLink


class StemLinks(BaseModel):
    """16-bit WAV stems that sum to about the song (before mastering's limiter)."""

    clip_id: str
    vocals_url: str
    drums_url: str
    bass_url: str
    other_url: str


class StemsAnswer(BaseModel):
    code: str = "success"
    message: str = ""
    data: StemLinks


class ErrorAnswer(BaseModel):
    """Every error: the contract's shape."""

    code: str
    message: str
    data: None = None
