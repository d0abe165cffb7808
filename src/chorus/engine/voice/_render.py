"""Sing the vocal notes of a time range: lay each note's speech onto its time, set its
pitch, resynthesize, and place the phrases in one buffer."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.signal import resample_poly

from chorus.engine.score import Score, SungNote
from chorus.engine.voice import _world
from chorus.engine.voice._lines import Part, Unit, chunks, sharing_speech, speak, units
from chorus.engine.voice._piper import SAMPLE_RATE
from chorus.engine.voice._store import SpeechStore

FRAME = _world.FRAME_PERIOD_MS / 1000.0
# Onset consonants start this early (at most) so the vowel lands on the beat.
_LEAD_MAX = 0.06
# Notes fade out over this long before a rest; a final consonant only over the last
# frames, against clicks.
_RELEASE = 0.06
_CODA_RELEASE = 0.02
# Notes closer than this are sung legato: the pitch glides from one to the next.
_LEGATO_GAP = 0.1
_GLIDE = 0.07
# A glide takes at most this share of its note, so a short note still reaches its pitch.
_GLIDE_SHARE = 0.25
_VIBRATO_HZ = 5.3
_VIBRATO_SEMITONES = 0.22
_VIBRATO_DELAY = 0.25
# A female voice: the same speaker with formants raised this much (pitch follows notes).
_FEMALE_FORMANTS = 1.10
# Breath (aperiodicity floor, 0..1) mixed into voiced frames above the fundamental,
# reached at and above _BREATH_FULL_HZ and faded out below _BREATH_NONE_HZ: at a high
# pitch the harmonics lie so far apart that the vowel's shape falls between them; a
# little noise fills it in. More, or any below the fundamental, blurs the pitch.
_BREATH = 0.25
_BREATH_NONE_HZ = 200.0
_BREATH_FULL_HZ = 330.0
# The fundamental is raised this much (dB) over the same pitch range: the envelope comes
# from speech an octave or more lower, where the first harmonic of an open vowel at a
# high note falls below the first formant and sounds weaker than the second, so the note
# reads an octave up or not at all; a singer's fundamental is strong.
_FUNDAMENTAL_DB = 6.0
# Every phrase is brought to this RMS so sections match; peaks then sit near 0.5.
_PHRASE_RMS = 0.1
_PEAK_LIMIT = 0.9
# How far a note's vowel may be brought toward the phrase's typical level: speech swallows
# unstressed syllables by up to 30 dB, a singer sings them out (yet still a little softer
# than the stressed ones).
_LEVEL_BOOST_DB = 9.0
_LEVEL_CUT_DB = 4.0
# A note too short for its whole syllable shrinks its consonants first, down to this
# share of their length, before the vowel.
_SQUEEZE = 0.6
# Rests at least this many frames long are not resynthesized.
_SILENT_RUN = 6


@dataclass(frozen=True, slots=True)
class _Frames:
    """One phrase laid out on the output frame grid (WORLD frames from ``first``)."""

    first: int
    source: np.ndarray  # analysis frame position per output frame, -1 where silent
    vowel: np.ndarray  # bool: the frame is in a vowel (always voiced)
    note: np.ndarray  # index of the note the frame belongs to, -1 where silent
    gain: np.ndarray  # amplitude envelope (releases)


def render_vocals(
    score: Score, start: float, end: float, sr: int = 44100, store: SpeechStore | None = None
) -> np.ndarray:
    """Sing every note of ``score.vocal`` whose start lies in ``[start, end)`` seconds.

    Each syllable is sung on its note: at the note's MIDI pitch, from ``note.start`` for
    ``note.duration`` seconds (fading out before a rest, never past ``end``), with the
    voice ``score.voice`` ("female" raises the formants; pitch always follows the notes).

    Returns mono float32 audio of exactly ``round((end - start) * sr)`` samples at ``sr``
    Hz, zeros where nothing is sung; phrases are levelled to one loudness (peaks near 0.5).
    With a ``store``, each line's speech is made once for all the processes rendering
    songs with that store (the clips of one task).
    """
    length = max(round((end - start) * sr), 0)
    lines = _lines(score)
    notes = [n for line in lines.values() for n in line if start <= n.start < end]
    notes.sort(key=lambda n: (n.start, n.word_index, n.syllable_index))
    if not notes or length == 0:
        return np.zeros(length, dtype=np.float32)
    span = end - start
    female = score.voice == "female"
    buffer = np.zeros(math.ceil(span * SAMPLE_RATE) + SAMPLE_RATE // 10, dtype=np.float32)
    with sharing_speech(store):
        for phrase in _phrases(notes):
            # The whole line is spoken even when the range holds only part of it: the
            # same line then always gives the same utterance (spoken once, shared by the
            # clips of a task), with its natural flow.
            whole = lines[(phrase[0].section_index, phrase[0].line_index)]
            wanted = {id(note) for note in phrase}
            for chunk in chunks(units(whole)):
                _sing(chunk, wanted, start, span, female=female, out=buffer)
    gcd = math.gcd(sr, SAMPLE_RATE)
    audio = resample_poly(buffer, sr // gcd, SAMPLE_RATE // gcd).astype(np.float32)
    out = np.zeros(length, dtype=np.float32)
    out[: min(length, audio.size)] = audio[:length]
    peak = float(np.max(np.abs(out)))
    if peak > _PEAK_LIMIT:
        out *= _PEAK_LIMIT / peak
    return out


# The last score's lines: a render asks for every range of the same score in turn. The
# score itself is held, so the identity check can never match a new score at its address.
_LAST_LINES: list[tuple[Score, dict[tuple[int, int], list[SungNote]]]] = []


def _lines(score: Score) -> dict[tuple[int, int], list[SungNote]]:
    """Every lyric line's sung notes, in order, by (section, line); kept for the score
    asked for last (a score is immutable)."""
    for held, lines in _LAST_LINES:
        if held is score:
            return lines
    lines = _sorted_lines(score)
    _LAST_LINES[:] = [(score, lines)]
    return lines


def _sorted_lines(score: Score) -> dict[tuple[int, int], list[SungNote]]:
    lines: dict[tuple[int, int], list[SungNote]] = {}
    ordered = sorted(
        (n for n in score.vocal if n.duration > 0),
        key=lambda n: (n.start, n.word_index, n.syllable_index),
    )
    for note in ordered:
        lines.setdefault((note.section_index, note.line_index), []).append(note)
    return lines


def _phrases(notes: list[SungNote]) -> list[list[SungNote]]:
    """Consecutive notes of one lyric line."""
    phrases: list[list[SungNote]] = []
    for note in notes:
        last = phrases[-1][-1] if phrases else None
        if (
            last is not None
            and last.line_index == note.line_index
            and last.section_index == note.section_index
        ):
            phrases[-1].append(note)
        else:
            phrases.append([note])
    return phrases


def _sing(
    chunk: list[Unit], wanted: set[int], start: float, span: float, *, female: bool, out: np.ndarray
) -> None:
    """Sing the notes of ``chunk`` (part of a line, spoken whole) whose ``id`` is in
    ``wanted`` into ``out``, which starts at ``start`` seconds and lasts ``span``."""
    every = [note for unit in chunk for note in unit.notes]
    keep = [i for i, note in enumerate(every) if id(note) in wanted]
    if not keep:
        return  # a piece of a long line sung in another range: not even spoken
    spoken = speak(chunk)
    notes = [every[i] for i in keep]
    parts = tuple(spoken.parts[i] for i in keep)
    windows = _windows(notes, parts, start, span)
    frames = _layout(parts, windows)
    analysis = spoken.analysis
    active = frames.note >= 0
    position = np.clip(frames.source, 0.0, analysis.frames - 1.0)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, analysis.frames - 1)
    weight = (position - low)[:, None].astype(np.float32)
    sp = analysis.sp[low] * (1.0 - weight) + analysis.sp[high] * weight
    ap = analysis.ap[low] * (1.0 - weight) + analysis.ap[high] * weight
    voiced = active & (frames.vowel | (analysis.f0[np.rint(position).astype(np.int64)] > 0))
    sp *= _levels(sp, frames)[:, None]
    sp *= (frames.gain**2)[:, None]
    sp[~active] = _world.SILENT_POWER
    f0 = np.where(voiced, _pitch(notes, frames, start), 0.0)
    high = np.clip((f0 - _BREATH_NONE_HZ) / (_BREATH_FULL_HZ - _BREATH_NONE_HZ), 0, 1)
    if _FUNDAMENTAL_DB > 0:
        sp = _world.lift_fundamental(sp, f0, _FUNDAMENTAL_DB * high, SAMPLE_RATE)
    breath = _BREATH * high
    ap = _world.breathe(ap, f0, breath, SAMPLE_RATE)
    ap[~active] = 1.0
    if female:
        sp = _world.warp_formants(sp, _FEMALE_FORMANTS)
        ap = _world.warp_formants(ap, _FEMALE_FORMANTS)
    audio = _synthesize_sounding(f0, sp, ap, active)
    sample_frames = (np.arange(audio.size) / (FRAME * SAMPLE_RATE)).astype(np.int64)
    loud = audio[active[np.minimum(sample_frames, active.size - 1)]]
    rms = float(np.sqrt(np.mean(loud**2))) if loud.size else 0.0
    if rms > 1e-6:
        audio *= _PHRASE_RMS / rms
    offset = round(frames.first * FRAME * SAMPLE_RATE)
    stop = min(out.size, offset + audio.size, round(span * SAMPLE_RATE))
    if stop > offset:
        out[offset:stop] += audio[: stop - offset]


def _synthesize_sounding(
    f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """Resynthesize a phrase's frames, skipping its rests: WORLD spends as much on a
    silent frame as on a sung one (it fills it with quiet noise pulses)."""
    hop = FRAME * SAMPLE_RATE
    audio = np.zeros(round(f0.size * hop), dtype=np.float32)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    merged: list[list[int]] = []
    for begin, finish in runs:
        if merged and begin - merged[-1][1] < _SILENT_RUN:
            merged[-1][1] = int(finish)
        else:
            merged.append([int(begin), int(finish)])
    for begin, finish in merged:
        a, b = max(begin - 2, 0), min(finish + 2, f0.size)
        piece = _world.synthesize(f0[a:b], sp[a:b], ap[a:b], SAMPLE_RATE)
        offset = round(a * hop)
        stop = min(audio.size, offset + piece.size)
        audio[offset:stop] = piece[: stop - offset]
    return audio


def _windows(
    notes: list[SungNote], parts: tuple[tuple[Part, ...], ...], start: float, span: float
) -> list[tuple[float, float]]:
    """Where each note's sound lies (seconds from ``start``): from its start, less a lead
    for its onset consonants, to its end (or the next note's start when they overlap)."""
    windows: list[list[float]] = []
    for index, note in enumerate(notes):
        begin = note.start - start
        finish = min(note.end - start, span)
        if index + 1 < len(notes):
            following = notes[index + 1].start - start
            # A short gap is articulation, not a rest: sing through it.
            finish = following if following - finish < _LEGATO_GAP else min(finish, following)
        onset = 0.0
        for part in parts[index]:
            if part.vowel:
                break
            onset += part.end - part.start
        lead = min(0.6 * onset, _LEAD_MAX)
        floor = 0.0
        if windows:
            previous = windows[-1]
            floor = previous[0] + 0.6 * (previous[1] - previous[0])
        begin = max(begin - lead, floor)
        if windows and windows[-1][1] > begin:
            windows[-1][1] = begin
        windows.append([begin, max(finish, begin + FRAME)])
    return [(a, b) for a, b in windows]


def _layout(parts: tuple[tuple[Part, ...], ...], windows: list[tuple[float, float]]) -> _Frames:
    """Stretch each note's parts over its window: consonants and vowel edges keep their
    length while the vowel's hold takes up the rest (on a short note the consonants
    shrink first, then all alike)."""
    first = math.floor(windows[0][0] / FRAME)
    count = math.ceil(windows[-1][1] / FRAME) - first + 2
    source = np.full(count, -1.0)
    vowel = np.zeros(count, dtype=bool)
    note = np.full(count, -1, dtype=np.int64)
    gain = np.ones(count)
    times = (first + np.arange(count)) * FRAME
    for index, (note_parts, (begin, finish)) in enumerate(zip(parts, windows, strict=True)):
        cons = sum(p.end - p.start for p in note_parts if not p.vowel)
        edges = sum(p.fixed for p in note_parts if p.vowel)
        hold = sum(p.hold for p in note_parts if p.vowel)
        length = finish - begin
        if cons + edges + hold <= 0:
            continue
        cons_scale, vowel_scale = 1.0, 1.0
        if length >= cons + edges + hold and hold > 0:
            hold_scale = (length - cons - edges) / hold
        else:
            # Too short for the whole syllable: consonants give up time first (down to
            # _SQUEEZE), so the vowel still sounds and carries the pitch.
            cons_scale = vowel_scale = length / (cons + edges + hold)
            if cons > 0:
                cons_scale = float(np.clip((length - edges - hold) / cons, _SQUEEZE, 1.0))
                if length - cons * cons_scale > 0 < edges + hold:
                    vowel_scale = (length - cons * cons_scale) / (edges + hold)
                else:
                    cons_scale = vowel_scale
            hold_scale = vowel_scale
        cursor = begin
        for part in note_parts:
            pieces: tuple[tuple[float, float, float], ...]
            if part.vowel:
                pieces = (
                    (part.start, part.hold_start, vowel_scale),
                    (part.hold_start, part.hold_end, hold_scale),
                    (part.hold_end, part.end, vowel_scale),
                )
            else:
                pieces = ((part.start, part.end, cons_scale),)
            for src_start, src_end, scale in pieces:
                out_end = cursor + (src_end - src_start) * scale
                mask = (times >= cursor) & (times < out_end)
                if mask.any():
                    rate = (src_end - src_start) / max(out_end - cursor, 1e-9)
                    source[mask] = (src_start + (times[mask] - cursor) * rate) / FRAME
                    vowel[mask] = part.vowel
                    note[mask] = index
                cursor = out_end
        rest_follows = index + 1 == len(windows) or windows[index + 1][0] - finish > FRAME
        if rest_follows:
            in_note = note == index
            # A word ending in a consonant keeps it whole (the final "t" of "light" is
            # what tells it from "lie"); only a vowel ending fades.
            coda = bool(in_note.any()) and not vowel[np.flatnonzero(in_note)[-1]]
            release = _CODA_RELEASE if coda else _RELEASE
            fade = np.clip((finish - times) / release, 0.0, 1.0)
            gain[in_note] = np.minimum(gain[in_note], fade[in_note])
    return _Frames(first=first, source=source, vowel=vowel, note=note, gain=gain)


def _levels(sp: np.ndarray, frames: _Frames) -> np.ndarray:
    """Per-frame power gains that bring every note's vowel to the phrase's typical level
    (speech stresses some syllables; a singer sings them all out)."""
    energy = 10.0 * np.log10(np.sum(sp, axis=1) + 1e-20)
    gains = np.ones(frames.note.size)
    levels: dict[int, float] = {}
    for index in np.unique(frames.note[frames.note >= 0]):
        mask = (frames.note == index) & frames.vowel
        if mask.any():
            levels[int(index)] = float(np.percentile(energy[mask], 80))
    if not levels:
        return gains
    target = float(np.median(list(levels.values())))
    for index, level in levels.items():
        boost = float(np.clip(target - level, -_LEVEL_CUT_DB, _LEVEL_BOOST_DB))
        gains[frames.note == index] = 10.0 ** (boost / 10.0)
    return gains


def _pitch(notes: list[SungNote], frames: _Frames, start: float) -> np.ndarray:
    """The sung pitch in Hz per frame: each note's pitch, gliding in from the previous
    note when sung legato, with a vibrato that grows on long notes."""
    times = (frames.first + np.arange(frames.note.size)) * FRAME
    midi = np.zeros(frames.note.size)
    for index, note in enumerate(notes):
        mask = frames.note == index
        if not mask.any():
            continue
        t = times[mask] - (note.start - start)
        value = np.full(t.size, float(note.pitch))
        if index > 0:
            previous = notes[index - 1]
            if note.start - previous.end < _LEGATO_GAP and previous.pitch != note.pitch:
                glide = min(_GLIDE, _GLIDE_SHARE * note.duration)
                ramp = np.clip(t / glide, 0.0, 1.0)
                ramp = ramp * ramp * (3.0 - 2.0 * ramp)
                value = previous.pitch + (note.pitch - previous.pitch) * ramp
        if note.duration > 2 * _VIBRATO_DELAY:
            depth = _VIBRATO_SEMITONES * np.clip((t - _VIBRATO_DELAY) / 0.2, 0.0, 1.0)
            value = value + depth * np.sin(2.0 * np.pi * _VIBRATO_HZ * np.maximum(t, 0.0))
        midi[mask] = value
    hz = 440.0 * 2.0 ** ((midi - 69.0) / 12.0)
    return np.where(frames.note >= 0, hz, 0.0)
