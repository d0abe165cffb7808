"""The band: General MIDI SoundFont synthesis of a score's instrument tracks.

Every track plays on synthesizers of its own, which keeps stems separable and lets gain
and pan be applied exactly afterwards (a SoundFont's own pan cannot be overridden for
stereo samples, which are panned hard left and right inside the font). Each distinct
note of a track is synthesized once and added in wherever it is played
(:mod:`chorus.engine._notebank`), so any range of the song can be rendered on its own and
consecutive ranges join exactly: notes ringing over a join go on.

A track whose instrument has nothing audible above a quarter of the output rate (pads,
basses, strings, most keys and guitars; see :func:`chorus.engine._soundfont.high_share`)
is synthesized at half the rate; a stem's half-rate tracks are summed and interpolated
up together (:mod:`chorus.engine._upsample`).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Final

import numpy as np

from chorus.engine._notebank import NoteBank, NoteTable
from chorus.engine._sf2subset import KeyMap, key_map, list_presets
from chorus.engine._soundfont import (
    DRUM_BANK,
    Preset,
    SoundFontError,
    Synth,
    clone,
    find_soundfont,
    high_share,
    load_soundfont,
    soundfont_name,
)
from chorus.engine._upsample import double_rate, input_span
from chorus.engine.score import Score, Stem, Track

__all__ = ["BAND_STEMS", "BandRenderer", "SoundFontError", "find_soundfont"]

log = logging.getLogger(__name__)

BAND_STEMS: Final[tuple[Stem, ...]] = ("drums", "bass", "other")
DRUM_CHANNEL = 9
# Headroom: a dense stem of a loud font stays well below full scale before mixing.
SYNTH_GAIN_DB = -6.0
# Voices of one note: a key can start a few regions (stereo pairs, layers).
NOTE_VOICES = 8
# Drum hits are one-shots; their written length only matters for looped samples, so a
# short written hit still rings out (a crash lasts seconds).
DRUM_MIN_SECONDS = 3.0
# A track plays at half rate when its highest note puts less than this share of its
# energy above a quarter of the output rate (-30 dB; in the mix that is a trace under the
# drums' and the voice's own highs). Pads, basses, strings, keys and guitars qualify in
# FluidR3; cymbals, bright leads and plucked synths do not.
HALF_RATE_MAX_HIGH_SHARE = 1e-3
# The notes kept for playing again, over all tracks: beyond this the ones needed again
# latest are dropped (and made again when their turn comes).
NOTE_CACHE_BYTES = 24 * 1024 * 1024


def _resolve(track: Track, available: frozenset[Preset]) -> Preset:
    """The preset a track plays, falling back the way General MIDI players do."""
    program = min(max(int(track.program), 0), 127)
    bank = DRUM_BANK if track.is_drum else 0
    for candidate in ((bank, program), (bank, 0), (0, program), (0, 0)):
        if candidate in available:
            return candidate
    return next(iter(sorted(available)))


def _note_table(track: Track, rate: float, keymap: KeyMap) -> NoteTable:
    """A track's playable notes at ``rate`` (drum hits held long enough to ring out)."""
    notes = [n for n in track.notes if 0 <= n.pitch <= 127 and n.duration > 0]
    starts = np.array([n.start for n in notes], dtype=np.float64)
    lengths = np.array([n.duration for n in notes], dtype=np.float64)
    if track.is_drum:
        lengths = np.maximum(lengths, DRUM_MIN_SECONDS)
    velocities = np.array([min(max(n.velocity, 1), 127) / 127.0 for n in notes])
    keys = np.array([n.pitch for n in notes], dtype=np.int64)
    return NoteTable.build(
        starts=starts,
        ends=starts + lengths,
        keys=keys,
        velocities=velocities,
        rate=rate,
        keymap=keymap,
    )


def _synth_maker(font: object, preset: Preset, channel: int, rate: int) -> Synth:
    synth = clone(font, rate, SYNTH_GAIN_DB, NOTE_VOICES)
    synth.channel_set_preset_number(channel, preset[1], preset[0] == DRUM_BANK)
    return synth


class BandRenderer:
    """Render the instrument stems of ``score``, range by range.

    Parameters
    ----------
    score: the song; its tracks' ``stem`` decides which output each plays into.
    sr: output sample rate in Hz.
    soundfont: an SF2 file; None picks one with :func:`find_soundfont`.

    ``soundfont_path`` and ``soundfont_name`` say which font plays. ``banks`` holds each
    stem's tracks as ``(bank, half_rate)``.
    """

    def __init__(self, score: Score, sr: int = 44100, soundfont: Path | None = None) -> None:
        if soundfont is None:
            self.soundfont_path, self.soundfont_name = find_soundfont()
        else:
            self.soundfont_path, self.soundfont_name = soundfont, soundfont_name(soundfont)
        self.score = score
        self.sr = int(sr)
        available = list_presets(self.soundfont_path)
        if not available:
            raise SoundFontError(f"SoundFont {self.soundfont_name} holds no presets")
        tracks = [t for t in score.tracks if t.stem in BAND_STEMS and t.notes]
        presets = [_resolve(t, available) for t in tracks]
        self.banks: dict[Stem, list[tuple[NoteBank, bool]]] = {s: [] for s in BAND_STEMS}
        if tracks:
            font = load_soundfont(self.soundfont_path, presets)
            for track, preset in zip(tracks, presets, strict=True):
                self.banks[track.stem].append(self._bank(font, track, preset))
        log.info("band plays with SoundFont %s (%s)", self.soundfont_name, self.soundfont_path)
        self._next: tuple[float, int] = (0.0, 0)  # where the previous range ended: s, sample

    def _bank(self, font: object, track: Track, preset: Preset) -> tuple[NoteBank, bool]:
        top = max(n.pitch for n in track.notes)
        half = not track.is_drum and (
            high_share(self.soundfont_path, font, preset, top, self.sr) < HALF_RATE_MAX_HIGH_SHARE
        )
        rate = self.sr // 2 if half else self.sr
        channel = DRUM_CHANNEL if track.is_drum else 0
        pan = min(max(float(track.pan), -1.0), 1.0)
        # Balance: the far side fades out, the near side keeps its level.
        weights = max(float(track.gain), 0.0) * np.array(
            [min(1.0, 1.0 - pan), min(1.0, 1.0 + pan)], dtype=np.float32
        )
        bank = NoteBank(
            _note_table(track, rate, key_map(self.soundfont_path, preset)),
            functools.partial(_synth_maker, font, preset, channel, rate),
            channel,
            rate,
            weights,
        )
        return bank, half

    def render(self, start: float, end: float) -> dict[Stem, np.ndarray]:
        """Stereo float32 ``(n, 2)`` audio of each band stem for ``start``..``end`` seconds.

        ``n = round((end - start) * sr)``. Any range gives that part of the whole song; a
        range starting where the previous one ended continues it sample for sample.
        """
        if end < start:
            raise ValueError("end must not be before start")
        n = round((end - start) * self.sr)
        previous_end, previous_sample = self._next
        first = previous_sample if abs(start - previous_end) <= 1e-9 else round(start * self.sr)
        out: dict[Stem, np.ndarray] = {}
        for stem in BAND_STEMS:
            audio = np.zeros((n, 2), dtype=np.float32)
            halves = [bank for bank, half in self.banks[stem] if half]
            for bank, half in self.banks[stem]:
                if not half:
                    bank.add(audio, first)
            if halves and n:
                low, high = input_span(first, n)
                slow = np.zeros((high - low, 2), dtype=np.float32)
                for bank in halves:
                    bank.add(slow, low)
                audio += double_rate(slow, low, first, n)
            out[stem] = audio
        self._next = (end, first + n)
        self._keep_within(NOTE_CACHE_BYTES, end)
        return out

    def _keep_within(self, budget: int, now: float) -> None:
        """Drop kept notes, those needed again latest first, until they fit ``budget``."""
        banks = [bank for stem in BAND_STEMS for bank, _ in self.banks[stem]]
        held = sum(bank.cached_bytes for bank in banks)
        if held <= budget:
            return
        spare = [
            (onset / bank.rate, size, index, bank)
            for bank in banks
            for onset, size, index in bank.spare(round(now * bank.rate))
        ]
        spare.sort(key=lambda item: item[0], reverse=True)
        for _, size, index, bank in spare:
            if held <= budget:
                break
            bank.drop(index)
            held -= size
