"""Sections, song forms, and how sections are written out as lyrics text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

MARKER = re.compile(r"^\[[^\[\]\n]{1,40}\]$")
SECTION_NAMES = ("Intro", "Verse", "Verse 2", "Verse 3", "Pre-Chorus", "Chorus", "Bridge", "Outro")

#: A song form: (part, lines) in singing order. A part is "Verse", "Verse 2", "Verse 3",
#: "Chorus", "Bridge" or "Outro"; the chorus comes back whole each time.
Form = tuple[tuple[str, int], ...]

#: The form written when the song's length is not known.
FULL_FORM: Form = (
    ("Verse", 4),
    ("Chorus", 4),
    ("Verse 2", 4),
    ("Chorus", 4),
    ("Bridge", 2),
    ("Chorus", 4),
    ("Outro", 2),
)
#: The full form with a third verse and chorus, for songs long enough to sing them.
LONG_FORM: Form = (*FULL_FORM[:-1], ("Verse 3", 4), ("Chorus", 4), ("Outro", 2))

#: Forms from the shortest to the longest; each sings more bars than the one before. A
#: song of a known length takes the longest one the engine sings whole (``fit``): a
#: shorter song has fewer sections, and shorter ones.
FORMS: tuple[Form, ...] = (
    (("Chorus", 1),),
    (("Chorus", 2),),
    (("Verse", 2), ("Chorus", 2)),
    (("Verse", 2), ("Chorus", 4)),
    (("Verse", 4), ("Chorus", 4)),
    (("Verse", 4), ("Chorus", 4), ("Outro", 2)),
    (("Verse", 2), ("Chorus", 4), ("Verse 2", 2), ("Chorus", 4)),
    (("Verse", 4), ("Chorus", 4), ("Verse 2", 2), ("Chorus", 4)),
    (("Verse", 4), ("Chorus", 4), ("Verse 2", 4), ("Chorus", 4)),
    (("Verse", 4), ("Chorus", 4), ("Verse 2", 4), ("Chorus", 4), ("Outro", 2)),
    FULL_FORM[:-1],
    FULL_FORM,
    (*FULL_FORM[:-1], ("Verse 3", 2), ("Chorus", 4)),
    (*FULL_FORM[:-1], ("Verse 3", 4), ("Chorus", 4)),
    LONG_FORM,
)


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    lines: list[str]


def render(sections: list[Section]) -> str:
    """Lyrics text: a ``[Name]`` marker line, the sung lines, a blank line between sections."""
    return "\n\n".join(f"[{s.name}]\n" + "\n".join(s.lines) for s in sections)


def parse(lyrics: str) -> list[Section]:
    """The sections of lyrics text (lines before any marker go to an unnamed section)."""
    sections: list[Section] = []
    for raw in lyrics.splitlines():
        line = raw.strip()
        if MARKER.match(line):
            sections.append(Section(line[1:-1], []))
        elif line:
            if not sections:
                sections.append(Section("", []))
            sections[-1].lines.append(line)
    return sections


def assemble(parts: Mapping[str, Section], form: Form) -> list[Section]:
    """The sections of ``form`` taken from written ``parts`` (by part name), each cut to the
    form's number of lines; a part that was not written is left out."""
    out: list[Section] = []
    for name, count in form:
        part = parts.get(name)
        if part is not None and part.lines[:count]:
            out.append(Section(part.name, part.lines[:count]))
    return out
