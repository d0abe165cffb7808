"""Lyrics sized to the song that sings them, measured with the engine's own form planner.

The engine (:mod:`chorus.engine.compose`) gives a song whole bars at its tempo, sings each
lyric line as a phrase of one to eight bars (two bars for a line of 6-11 syllables on an
eighth-note grid), pads sections to an even number of bars and frames them with an intro
and an outro; lines that do not fit are left out (``lyrics_truncated``). The tempo is
drawn from the seed inside the genre's range, shifted by the mood, and each clip of a task
has its own seed. So :func:`sung_whole` runs the engine's planner at the tempo of each
clip when their seeds are known (the worker knows them before the lyrics are written),
else at every whole tempo the tags allow (:func:`tempo_range`), and says whether every
line is sung at all of them.

:func:`fit_parts` keeps the longest form of :data:`chorus.lyrics.song.FORMS` whose lines
are sung whole: fewer and shorter sections for a short song, the full form (or the long
one, with a third verse) for a long one. :func:`fit_lyrics` does the same to lyrics
written elsewhere (a language model's answer): unchanged when sung whole, else cut to a
form built from its own sections. :func:`form_for` is the form to ask a model for.

The engine is imported on first use: it brings numpy, which ``chorus.lyrics`` alone does
not need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from chorus.lyrics.song import FORMS, Form, Section, assemble, parse, render

if TYPE_CHECKING:
    from chorus.engine.styles import Style

#: What a model is asked for, and what its lines are assumed to be: 8 syllables a line.
PROBE_SYLLABLES = 8
_PROBE_LINE = " ".join(["la"] * PROBE_SYLLABLES)


@dataclass(frozen=True, slots=True)
class Fit:
    """The song lyrics are written for: ``duration`` in seconds, and the caller's style
    ``tags`` and ``negative_tags`` (empty ``tags``: the song is sung in the tags the writer
    writes); ``seeds`` are the seeds of the clips that will sing it, when known (the
    lyrics then fit those clips' tempi rather than every tempo the style allows)."""

    duration: float
    tags: str = ""
    negative_tags: str = ""
    seeds: tuple[int, ...] = ()


def tempo_range(tags: str, negative_tags: str = "") -> tuple[int, int]:
    """The slowest and the fastest tempo (BPM) the engine gives ``tags`` over all seeds.

    As ``chorus.engine.styles.resolve_style`` draws it: a position 0..1 in the genre's
    range (a beta law) plus the mood's energy shift, clipped to 0..1, times the mood's
    tempo factor (and 0.85 for a ballad tag on another genre), rounded, within 50..200
    (50..320 in 6/8).
    """
    return _tempi(_style(tags, negative_tags))


def _style(tags: str, negative_tags: str) -> Style:
    """The style of the tags; the seed only moves tempo, key and chords (and the genre,
    when the negative tags rule out pop and the tags name no other)."""
    from chorus.engine.styles import resolve_style

    return resolve_style(tags, negative_tags, 0)


def _tempi(style: Style) -> tuple[int, int]:
    from chorus.engine.styles import MOODS, NEUTRAL_MOOD

    mood = next((m for m in MOODS if m.name == style.mood), NEUTRAL_MOOD)
    low, high = style.preset.tempo
    scale = mood.tempo * (0.85 if style.ballad else 1.0)
    ceiling = 320 if style.meter == 6 else 200

    def at(position: float) -> int:
        position = min(1.0, max(0.0, position))
        return int(min(ceiling, max(50, round((low + (high - low) * position) * scale))))

    return at(mood.energy), at(1.0 + mood.energy)


class _Planner:
    """The engine's form planner for one song length and style: at the styles the clips
    of ``seeds`` get, or at every tempo of the style when no seed is given."""

    def __init__(
        self, duration: float, tags: str, negative_tags: str, seeds: Sequence[int] = ()
    ) -> None:
        from chorus.engine.request import MAX_DURATION_S, MIN_DURATION_S
        from chorus.engine.styles import resolve_style

        self.duration = min(MAX_DURATION_S, max(MIN_DURATION_S, float(duration)))
        if seeds:
            self.styles = [resolve_style(tags, negative_tags, seed) for seed in seeds]
            return
        style = _style(tags, negative_tags)
        low, high = _tempi(style)
        # The ends first: a form that does not fit usually fails at one of them.
        tempi = [low, *([high] if high != low else []), *range(low + 1, high)]
        self.styles = [replace(style, tempo=float(tempo)) for tempo in tempi]

    def sung_whole(self, lyrics: str) -> bool:
        from chorus.engine.compose import sings_whole

        return all(sings_whole(lyrics, style, self.duration) for style in self.styles)

    def longest(self, candidates: Sequence[list[Section]]) -> list[Section]:
        """The last of ``candidates`` (ordered by growing length, so found by bisection)
        that is sung whole; the first one when none is."""
        found, low, high = 0, 0, len(candidates) - 1
        while low <= high:
            middle = (low + high) // 2
            if self.sung_whole(render(candidates[middle])):
                found, low = middle, middle + 1
            else:
                high = middle - 1
        return candidates[found] if candidates else []


def _forms(parts: Mapping[str, Section]) -> list[list[Section]]:
    out: list[list[Section]] = []
    for form in FORMS:
        sections = assemble(parts, form)
        if sections and (not out or sections != out[-1]):
            out.append(sections)
    return out


def sung_whole(
    lyrics: str, duration: float, tags: str, negative_tags: str = "", seeds: Sequence[int] = ()
) -> bool:
    """Whether the engine sings every line of ``lyrics`` in a song of ``duration`` seconds
    in the style ``tags``, by the clips of ``seeds`` (whatever the seed when empty)."""
    return _Planner(duration, tags, negative_tags, seeds).sung_whole(lyrics)


def fit_parts(
    parts: Mapping[str, Section],
    duration: float,
    tags: str,
    negative_tags: str = "",
    seeds: Sequence[int] = (),
) -> list[Section]:
    """The longest form of ``FORMS`` made of ``parts`` that is sung whole (the shortest
    when none is: a song too short for even one line)."""
    return _Planner(duration, tags, negative_tags, seeds).longest(_forms(parts))


def fit_lyrics(
    lyrics: str, duration: float, tags: str, negative_tags: str = "", seeds: Sequence[int] = ()
) -> str:
    """``lyrics`` unchanged when sung whole; else the longest form of ``FORMS`` made of its
    own sections (verses, chorus, bridge, outro as the engine reads their markers) that is,
    or, when it has none of those, its first lines that are."""
    planner = _Planner(duration, tags, negative_tags, seeds)
    if planner.sung_whole(lyrics):
        return lyrics
    sections = parse(lyrics)
    best = planner.longest(_forms(_parts(sections)))
    if not best:
        lines = [(i, s.name or "Verse", line) for i, s in enumerate(sections) for line in s.lines]
        best = planner.longest([_prefix(lines[:count]) for count in range(1, len(lines) + 1)])
    return render(best)


def form_for(
    duration: float, tags: str, negative_tags: str = "", seeds: Sequence[int] = ()
) -> Form:
    """The longest form of ``FORMS`` the engine sings whole when its lines have
    :data:`PROBE_SYLLABLES` syllables: what to ask a writer for."""
    sizes: dict[str, int] = {}
    for form in FORMS:
        for name, count in form:
            sizes[name] = max(sizes.get(name, 0), count)
    probe = {name: Section(name, [_PROBE_LINE] * count) for name, count in sizes.items()}
    best = _Planner(duration, tags, negative_tags, seeds).longest(_forms(probe))
    return next(form for form in FORMS if assemble(probe, form) == best)


def _parts(sections: list[Section]) -> dict[str, Section]:
    """Written sections by part: the first three verses, the first chorus (or hook), the
    first bridge and the last outro."""
    from chorus.engine.lyrics import section_kind

    parts: dict[str, Section] = {}
    verses = 0
    for section in sections:
        if not section.lines:
            continue
        kind = section_kind(section.name) if section.name else "Verse"
        named = section if section.name else Section("Verse", section.lines)
        if kind == "Verse":
            verses += 1
            if verses <= 3:
                parts["Verse" if verses == 1 else f"Verse {verses}"] = named
        elif kind in ("Chorus", "Hook"):
            parts.setdefault("Chorus", named)
        elif kind == "Bridge":
            parts.setdefault("Bridge", named)
        elif kind == "Outro":
            parts["Outro"] = named
    return parts


def _prefix(lines: list[tuple[int, str, str]]) -> list[Section]:
    """Sections of the given (section index, name, line) triples, in order."""
    out: list[Section] = []
    last = -1
    for index, name, line in lines:
        if index != last:
            out.append(Section(name, []))
            last = index
        out[-1].lines.append(line)
    return out
