"""Compose a song: from a :class:`SongRequest` to a :class:`Score`.

The style gives tempo, key, chords and instruments; the lyrics give the sections; the form
planner fits them to the requested length; then every bar gets a chord, every syllable a
note, and every band role its part. Everything random comes from generators seeded by the
request's seed and a stable hash of its text, so the same request and seed always give the
same score and another seed another song. Sections of the same kind with the same syllable
counts get the same melody, so choruses come back as choruses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from chorus.engine._arrange import arp_notes, bass_notes, comp_notes, lead_notes, pad_notes
from chorus.engine._bars import Bar
from chorus.engine._drums import drum_notes
from chorus.engine._form import Part, plan_form
from chorus.engine._harmony import (
    MODES,
    NOTE_NAMES,
    ChordSymbol,
    chord_name,
    chord_pitch_classes,
    progression,
    scale_pitch_classes,
    tonic_chord,
    voice_chord,
)
from chorus.engine._melody import Harmony, harmony_for
from chorus.engine._timing import Grid
from chorus.engine._vocals import VoiceRange, sing_parts
from chorus.engine.lyrics import parse_lyrics
from chorus.engine.request import SongRequest
from chorus.engine.score import Chord, Note, Score, Section, Stem, Track
from chorus.engine.styles import Style, resolve_style, stable_hash, style_for_genre

_PAN = {"bass": 0.0, "chords": -0.25, "pad": 0.1, "arp": 0.35, "lead": 0.2}
_STEM: dict[str, Stem] = {
    "bass": "bass",
    "chords": "other",
    "pad": "other",
    "arp": "other",
    "lead": "other",
}
_NAMES = {"bass": "Bass", "chords": "Chords", "pad": "Pad", "arp": "Arpeggio", "lead": "Lead"}
# Which of the style's progressions each kind of section plays.
_PROGRESSION_OF = {
    "Verse": 0,
    "Chorus": 1,
    "Hook": 1,
    "Pre-Chorus": 2,
    "Bridge": 3,
    "Intro": 1,
    "Outro": 1,
    "Solo": 1,
    "Instrumental": 0,
}


def _style(request: SongRequest) -> Style:
    continuation = request.continuation
    if continuation is None:
        return resolve_style(request.tags, request.negative_tags, request.seed)
    earlier = continuation.score
    style = style_for_genre(earlier.genre, earlier.mood, request.seed)
    return replace(
        style,
        tempo=earlier.tempo,
        meter=earlier.meter if earlier.meter in (3, 4, 6) else style.meter,
        swing=earlier.swing,
        key=earlier.key % 12,
        mode=earlier.mode if earlier.mode in MODES else style.mode,
        voice=earlier.voice or request.voice or style.voice,
    )


def _clock(style: Style, duration: float, continuing: bool) -> tuple[Grid, int]:
    """The grid and the number of bars. A new song nudges its tempo so whole bars fill the
    duration exactly; a continuation keeps the tempo and holds its last bar longer."""
    bar_s = style.meter * 60.0 / style.tempo
    if continuing:
        bars = max(1, math.floor(duration / bar_s + 1e-9))
        tempo = style.tempo
    else:
        bars = max(2, round(duration / bar_s))
        tempo = style.tempo * bars * bar_s / duration
    return Grid(tempo, style.meter, style.swing, style.preset.swing_unit), bars


def _progressions(style: Style) -> dict[str, tuple[ChordSymbol, ...]]:
    pool = [progression(p) for p in style.progressions]
    return {kind: pool[i % len(pool)] for kind, i in _PROGRESSION_OF.items()}


def _bars(parts: Sequence[Part], style: Style) -> list[Bar]:
    progs = _progressions(style)
    bars: list[Bar] = []
    voicing: tuple[int, ...] | None = None
    total = sum(p.bars for p in parts)
    for index_part, part in enumerate(parts):
        prog = progs.get(part.kind, progs["Verse"])
        for position in range(part.bars):
            final = len(bars) == total - 1
            chord = tonic_chord(style.mode) if final else prog[position % len(prog)]
            voicing = voice_chord(style.key, chord, voicing)
            bars.append(
                Bar(
                    len(bars),
                    index_part,
                    position,
                    part.bars,
                    part.kind,
                    part.energy,
                    chord,
                    voicing,
                    part.lead,
                    bool(part.phrases),
                    final,
                )
            )
    return bars


def sings_whole(lyrics: str, style: Style, duration: float) -> bool:
    """Whether a new song of ``duration`` seconds in ``style`` sings every line of
    ``lyrics`` (the form :func:`compose` would plan leaves none out). Lyrics without a
    line to sing are sung whole."""
    sections = parse_lyrics(lyrics)
    if not any(s.lines for s in sections):
        return True
    grid, bars = _clock(style, duration, False)
    _, truncated = plan_form(sections, bars, grid, dense=style.preset.rap)
    return not truncated


def compose(request: SongRequest) -> Score:
    """Compose the song ``request`` asks for. Deterministic for (request, seed).

    The score's duration equals ``request.duration``; a continuation keeps the earlier
    score's tempo, meter, key, mode, genre and voice and starts at time 0.
    """
    text_hash = stable_hash(
        request.tags,
        request.negative_tags,
        request.title,
        request.lyrics,
        request.instrumental,
        request.voice,
    )
    style = _style(request)
    continuing = request.continuation is not None
    grid, total_bars = _clock(style, float(request.duration), continuing)
    end = float(request.duration)
    sections = [] if request.instrumental else parse_lyrics(request.lyrics)
    if not any(s.lines for s in sections):
        sections = []
    parts, truncated = plan_form(
        sections,
        total_bars,
        grid,
        dense=style.preset.rap,
        energy_bias=(style.energy - 0.5) * 0.4,
        intro=not continuing,
    )
    bars = _bars(parts, style)
    scale = scale_pitch_classes(style.key, style.mode, style.preset.pentatonic)
    cache: dict[tuple[int, str], Harmony] = {}

    def harmony_of(bar: Bar) -> Harmony:
        found = cache.get((bar.chord.degree, bar.chord.quality))
        if found is None:
            triad = frozenset((style.key + bar.chord.degree + i) % 12 for i in bar.chord.triad())
            found = harmony_for(chord_pitch_classes(style.key, bar.chord), triad, scale)
            cache[(bar.chord.degree, bar.chord.quality)] = found
        return found

    def rng_for(*parts_of_name: object) -> np.random.Generator:
        return np.random.default_rng(stable_hash(request.seed, text_hash, *parts_of_name))

    voice = request.voice or style.voice or "male"
    vocal = (
        sing_parts(
            parts,
            bars,
            grid,
            key=style.key,
            voice=VoiceRange.of(voice),
            harmony_of=harmony_of,
            rng_for=rng_for,
            rap=style.preset.rap,
        )
        if sections
        else []
    )
    rng = np.random.default_rng([request.seed, text_hash])
    tracks = _tracks(bars, style, grid, rng=rng, harmony_of=harmony_of, rng_for=rng_for, end=end)

    score_sections: list[Section] = []
    bar0 = 0
    for i, part in enumerate(parts):
        start = grid.time(bar0 * grid.meter)
        stop = end if i == len(parts) - 1 else grid.time((bar0 + part.bars) * grid.meter)
        lines: list[str] = []
        for phrase in part.phrases:
            if not lines or lines[-1] != phrase.line.text:
                lines.append(phrase.line.text)
        score_sections.append(
            Section(
                part.kind, part.label, start, stop, part.bars, tuple(lines), round(part.energy, 3)
            )
        )
        bar0 += part.bars

    chords = [
        Chord(
            grid.time(b.index * grid.meter),
            (end if b.final else grid.time((b.index + 1) * grid.meter))
            - grid.time(b.index * grid.meter),
            (style.key + b.chord.degree) % 12,
            b.chord.quality,
            b.voicing,
        )
        for b in bars
    ]
    zh = sum(1 for n in vocal if n.language == "zh")
    title = request.title.strip() or _title(score_sections, style)
    progs = _progressions(style)
    return Score(
        title=title,
        tags=request.tags,
        genre=style.genre,
        mood=style.mood,
        seed=request.seed,
        tempo=grid.tempo,
        meter=grid.meter,
        swing=grid.swing,
        key=style.key,
        mode=style.mode,
        duration=end,
        voice=voice if vocal else None,
        language="zh" if vocal and zh * 2 > len(vocal) else "en",
        sections=tuple(score_sections),
        chords=tuple(chords),
        tracks=tuple(tracks),
        vocal=tuple(vocal),
        continued_at=float(request.continuation.at) if request.continuation else 0.0,
        extra={
            "lyrics_truncated": truncated,
            "key_name": f"{NOTE_NAMES[style.key]} {style.mode}",
            "time_signature": "6/8" if grid.meter == 6 else f"{grid.meter}/4",
            "progressions": {
                kind: " ".join(chord_name(style.key, c) for c in progs[kind])
                for kind in ("Verse", "Chorus", "Bridge")
            },
            "instruments": dict(style.programs),
        },
    )


def _title(sections: Sequence[Section], style: Style) -> str:
    for section in sections:
        if section.lines:
            words = section.lines[0].split()
            text = " ".join(words[:6]) if len(words) > 1 else section.lines[0][:16]
            return text.strip(" ,.;:!?，。！？、")[:60] or text
    mood = "" if style.mood == "neutral" else style.mood.title() + " "
    return f"{mood}{style.genre.title()} in {NOTE_NAMES[style.key]}"


def _tracks(
    bars: Sequence[Bar],
    style: Style,
    grid: Grid,
    *,
    rng: np.random.Generator,
    harmony_of: Callable[[Bar], Harmony],
    rng_for: Callable[..., np.random.Generator],
    end: float,
) -> list[Track]:
    genre = style.preset
    tracks: list[Track] = []
    if style.drums is not None:
        notes = drum_notes(bars, style.drums, grid, steps=genre.steps, rng=rng, end=end)
        tracks.append(
            Track(
                "Drums",
                "drums",
                0,
                _clip(notes, end),
                is_drum=True,
                gain=style.levels.get("drums", 0.9),
            )
        )
    parts: dict[str, list[Note]] = {
        "bass": bass_notes(bars, genre, grid, key=style.key, rng=rng, end=end),
        "chords": comp_notes(bars, genre, grid, rng, end),
        "pad": pad_notes(bars, genre, grid, end),
        "arp": arp_notes(bars, grid, rng),
        "lead": lead_notes(
            bars,
            key=style.key,
            mode=style.mode,
            genre=genre,
            grid=grid,
            harmony_of=harmony_of,
            rng_for=rng_for,
            end=end,
        ),
    }
    for role, notes in parts.items():
        program = style.programs.get(role)
        if program is None or not notes:
            continue
        tracks.append(
            Track(
                _NAMES[role],
                _STEM[role],
                program,
                _clip(notes, end),
                gain=style.levels.get(role, 0.7),
                pan=_PAN[role],
            )
        )
    return tracks


def _clip(notes: list[Note], end: float) -> tuple[Note, ...]:
    """Keep notes inside the song and in time order."""
    out = [
        n if n.end <= end else Note(n.start, end - n.start, n.pitch, n.velocity)
        for n in notes
        if n.start < end - 1e-6
    ]
    out.sort(key=lambda n: (n.start, n.pitch))
    return tuple(out)
