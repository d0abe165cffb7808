"""Sections and how they are written out as lyrics text."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r"^\[[^\[\]\n]{1,40}\]$")
SECTION_NAMES = ("Intro", "Verse", "Verse 2", "Pre-Chorus", "Chorus", "Bridge", "Outro")


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
