"""The song's form: which sections, in what order, how many bars each.

Lyric sections are sung in order with an intro before and an outro after; whatever does
not fit the requested length is left out (and reported), and spare bars become longer
intro/outro, instrumental solos and repeated choruses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chorus.engine._melody import capacity, slot_beats
from chorus.engine._timing import Grid
from chorus.engine.lyrics import Line, LyricSection, Word

ENERGY: dict[str, float] = {
    "Intro": 0.3,
    "Verse": 0.5,
    "Pre-Chorus": 0.62,
    "Chorus": 0.85,
    "Hook": 0.85,
    "Bridge": 0.6,
    "Instrumental": 0.72,
    "Solo": 0.75,
    "Outro": 0.35,
}
_PHRASE_BARS = (1, 2, 4, 6, 8)
_CHORUS_KINDS = ("Chorus", "Hook")
_TEMPLATE = ("Verse", "Chorus", "Verse", "Chorus", "Bridge", "Solo", "Chorus")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One sung phrase: a lyric line (or part of a very long one)."""

    line: Line
    words: tuple[Word, ...]
    syllables: int


@dataclass(frozen=True, slots=True)
class Part:
    """A planned section. Phrases are sung from its start, ``phrase_bars`` bars each;
    ``lead`` means an instrument plays a melody in it (solos, instrumental themes)."""

    kind: str
    label: str
    bars: int
    phrases: tuple[Phrase, ...] = ()
    phrase_bars: int = 2
    energy: float = 0.5
    lead: bool = False

    @property
    def sung_bars(self) -> int:
        return len(self.phrases) * self.phrase_bars


def _phrases(line: Line, grid: Grid, slot: float) -> list[Phrase]:
    """Split a line too long for eight bars into phrases of whole words."""
    limit = max(1, int(capacity(grid, 4, slot) * 0.8))
    if line.syllable_count <= capacity(grid, 8, slot):
        return [Phrase(line, line.words, line.syllable_count)]
    out: list[Phrase] = []
    chunk: list[Word] = []
    count = 0
    for word in line.words:
        n = len(word.syllables)
        if chunk and count + n > limit:
            out.append(Phrase(line, tuple(chunk), count))
            chunk, count = [], 0
        if n > limit:
            # A single absurdly long "word": keep the syllables that fit.
            chunk.append(Word(word.text, word.syllables[:limit], word.language))
            n = limit
        else:
            chunk.append(word)
        count += n
    if chunk:
        out.append(Phrase(line, tuple(chunk), count))
    return out


def _phrase_bars(phrases: list[Phrase], grid: Grid, slot: float, dense: bool) -> int:
    fill = 1.0 if dense else 0.8
    shortest = 1 if grid.bar_s >= 2.6 else 2
    need = max((p.syllables for p in phrases), default=1)
    for bars in _PHRASE_BARS:
        if bars >= shortest and need <= capacity(grid, bars, slot) * fill:
            return bars
    return _PHRASE_BARS[-1]


def _energy(kind: str, bias: float) -> float:
    # The genre and mood shift every section alike, but a verse stays below a chorus and
    # intro and outro stay quiet.
    cap = {"Intro": 0.5, "Outro": 0.5, "Verse": 0.66}.get(kind, 1.0)
    return min(cap, max(0.1, ENERGY.get(kind, 0.5) + bias))


def _sung_part(section: LyricSection, grid: Grid, dense: bool, bias: float) -> Part:
    slot = slot_beats(grid)
    phrases = [p for line in section.lines for p in _phrases(line, grid, slot)]
    bars = _phrase_bars(phrases, grid, slot, dense)
    total = len(phrases) * bars
    tail = 1 if section.kind == "Outro" else 0
    total += tail
    if total > 1 and total % 2:
        total += 1
    return Part(
        section.kind, section.label, total, tuple(phrases), bars, _energy(section.kind, bias)
    )


def plan_form(
    sections: list[LyricSection],
    total_bars: int,
    grid: Grid,
    *,
    dense: bool = False,
    energy_bias: float = 0.0,
    intro: bool = True,
) -> tuple[list[Part], bool]:
    """Plan exactly ``total_bars`` bars of sections. Returns the parts and whether some
    lyrics were left out because they did not fit."""
    short = total_bars < 16
    head: Part | None = None
    body_src = list(sections)
    if body_src and body_src[0].kind == "Intro":
        first = body_src.pop(0)
        if first.lines:
            head = _sung_part(first, grid, dense, energy_bias)
        elif intro:
            head = Part("Intro", first.label, 1, energy=_energy("Intro", energy_bias))
    elif intro:
        head = Part("Intro", "Intro", 1 if short else 2, energy=_energy("Intro", energy_bias))
    tail_src = body_src.pop() if body_src and body_src[-1].kind == "Outro" else None
    tail = Part(
        "Outro",
        tail_src.label if tail_src else "Outro",
        1 if short else 2,
        energy=_energy("Outro", energy_bias),
    )

    used = (head.bars if head else 0) + tail.bars
    truncated = False
    if used > total_bars and head is not None:
        # Only a sung intro loses lyrics here; an instrumental one just gets shorter.
        truncated = bool(head.phrases)
        head = None if head.phrases else replace(head, bars=max(0, total_bars - tail.bars))
        used = (head.bars if head else 0) + tail.bars
    body: list[Part] = []
    spare_bars = 4 if total_bars < 48 else 8
    for section in body_src:
        if not section.lines:
            part = Part(
                section.kind,
                section.label,
                spare_bars,
                energy=_energy(section.kind, energy_bias),
                lead=True,
            )
            if used + part.bars <= total_bars:
                body.append(part)
                used += part.bars
            continue
        part = _sung_part(section, grid, dense, energy_bias)
        if used + part.bars <= total_bars:
            body.append(part)
            used += part.bars
            continue
        fit = (total_bars - used) // part.phrase_bars
        if fit < 1 and not any(p.phrases for p in body) and head is not None and not head.phrases:
            # A short song sings its first line rather than spend its time on an intro.
            used -= head.bars
            head = None
            if used + part.bars <= total_bars:
                body.append(part)
                used += part.bars
                continue
            fit = (total_bars - used) // part.phrase_bars
        if fit >= 1:
            body.append(replace(part, phrases=part.phrases[:fit], bars=fit * part.phrase_bars))
            used += fit * part.phrase_bars
        truncated = True
        break
    if tail_src is not None and tail_src.lines and not truncated:
        sung = _sung_part(tail_src, grid, dense, energy_bias)
        if used - tail.bars + sung.bars <= total_bars:
            used += sung.bars - tail.bars
            tail = sung
        else:
            truncated = True

    if head is not None and not head.phrases:
        grow = min(total_bars - used, (2 if short else 4) - head.bars)
        if grow > 0:
            head = replace(head, bars=head.bars + grow)
            used += grow
    if not tail.phrases:
        grow = min(total_bars - used, (2 if short else 4) - tail.bars)
        if grow > 0:
            tail = replace(tail, bars=tail.bars + grow)
            used += grow

    body = _fill(body, total_bars - used, energy_bias, instrumental=not sections)
    used = (head.bars if head else 0) + sum(p.bars for p in body) + tail.bars
    tail = replace(tail, bars=tail.bars + (total_bars - used))
    parts = ([head] if head is not None and head.bars > 0 else []) + body + [tail]
    return _final_chorus_lift(parts), truncated


def _fill(body: list[Part], spare: int, bias: float, instrumental: bool) -> list[Part]:
    """Spend ``spare`` bars on repeated choruses, solos and instrumental themes.

    A song with lyrics alternates instrumental parts with its chorus; when the room left
    cannot hold the whole chorus, its first lines are sung (the hook) rather than a
    second instrumental part in a row."""
    body = list(body)
    chorus = next((p for p in reversed(body) if p.kind in _CHORUS_KINDS and p.phrases), None)

    def sings(step: int, room: int) -> bool:
        """Whether the part at ``step`` is (some of) the chorus, given ``room`` bars."""
        return (
            chorus is not None
            and not instrumental
            and step % 2 == 1
            and (room >= chorus.phrase_bars)
        )

    step = 0
    while spare >= 4 or sings(step, spare):
        if instrumental:
            kind = _TEMPLATE[step % len(_TEMPLATE)]
        elif chorus is not None and step % 2 == 1:
            lines = min(len(chorus.phrases), spare // chorus.phrase_bars)
            if lines >= 1:
                bars = chorus.bars if lines == len(chorus.phrases) else lines * chorus.phrase_bars
                body.append(replace(chorus, phrases=chorus.phrases[:lines], bars=bars))
                spare -= bars
                step += 1
                continue
            kind = "Instrumental"
        else:
            kind = "Solo" if step % 4 == 0 else "Instrumental"
        bars = min(8, spare)
        if spare - bars < 4 and not sings(step + 1, spare - bars):
            bars = spare
        body.append(Part(kind, kind, bars, energy=_energy(kind, bias), lead=True))
        spare -= bars
        step += 1
    return body


def _final_chorus_lift(parts: list[Part]) -> list[Part]:
    """The last chorus is the loudest moment of the song."""
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].kind in _CHORUS_KINDS:
            parts[i] = replace(parts[i], energy=min(1.0, parts[i].energy + 0.08))
            break
    return parts
