"""The band: General MIDI SoundFont synthesis of a score's instrument tracks.

Every track plays on a synthesizer of its own (clones sharing one loaded font, so this
costs no memory and no time: the work is per sounding voice), which keeps stems separable
and lets gain and pan be applied exactly afterwards; a SoundFont's own pan cannot be
overridden for stereo samples, which are panned hard left and right inside the font. The
renderer keeps its synthesizers between calls, so rendering consecutive ranges (section
by section) gives the same audio as one long render: notes ringing over a join go on.

A track whose instrument has nothing audible above a quarter of the output rate (pads,
basses, strings, most keys and guitars; see :func:`chorus.engine._soundfont.high_share`)
is synthesized at half the rate and interpolated up (:mod:`chorus.engine._upsample`):
the synthesizer's work is per voice and per sample, so this halves it for that track.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np

from chorus.engine._sf2subset import list_presets
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
from chorus.engine._upsample import Upsampler
from chorus.engine.score import Score, Stem, Track

__all__ = ["BAND_STEMS", "BandRenderer", "SoundFontError", "find_soundfont"]

log = logging.getLogger(__name__)

BAND_STEMS: Final[tuple[Stem, ...]] = ("drums", "bass", "other")
DRUM_CHANNEL = 9
# Headroom: a dense stem of a loud font stays well below full scale before mixing.
SYNTH_GAIN_DB = -6.0
MAX_VOICES = 96
# Drum hits are one-shots; their written length only matters for looped samples, so a
# short written hit still rings out (a crash lasts seconds).
DRUM_MIN_SECONDS = 3.0
# A track plays at half rate when its highest note puts less than this share of its
# energy above a quarter of the output rate (-30 dB; in the mix that is a trace under the
# drums' and the voice's own highs). Pads, basses, strings, keys and guitars qualify in
# FluidR3; cymbals, bright leads and plucked synths do not.
HALF_RATE_MAX_HIGH_SHARE = 1e-3


@dataclass(slots=True)
class _Player:
    """One track's synthesizer, output gains and note events.

    Events are sorted by time; ``kind`` is 0 for note-off, 1 for note-on, so at equal
    times a note ends before the next one on the same key starts. A half-rate player
    (``upsampler`` set) synthesizes at half the output rate; ``pending`` holds the output
    frame it made beyond the last range (a range may span an odd number of frames).
    """

    synth: Synth
    weights: np.ndarray  # (2,) left/right gain
    times: np.ndarray  # seconds, float64
    kinds: np.ndarray  # 0 off, 1 on
    channels: np.ndarray
    keys: np.ndarray
    velocities: np.ndarray  # 0..1
    upsampler: Upsampler | None = None
    pending: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.float32))


def _resolve(track: Track, available: frozenset[Preset]) -> Preset:
    """The preset a track plays, falling back the way General MIDI players do."""
    program = min(max(int(track.program), 0), 127)
    bank = DRUM_BANK if track.is_drum else 0
    for candidate in ((bank, program), (bank, 0), (0, program), (0, 0)):
        if candidate in available:
            return candidate
    return next(iter(sorted(available)))


def _events(tracks: Sequence[tuple[Track, int]]) -> tuple[np.ndarray, ...]:
    """Note-on/off events of ``(track, channel)`` pairs, sorted, overlaps on a key cut."""
    rows: list[tuple[float, int, int, int, float]] = []
    for track, channel in tracks:
        by_key: dict[int, list[tuple[float, float, int]]] = {}
        for note in track.notes:
            if 0 <= note.pitch <= 127 and note.duration > 0:
                end = note.start + max(note.duration, DRUM_MIN_SECONDS * track.is_drum)
                by_key.setdefault(note.pitch, []).append((note.start, end, note.velocity))
        for key, notes in by_key.items():
            notes.sort()
            for i, (start, end, velocity) in enumerate(notes):
                # A key struck again before it was released ends at the new strike, so a
                # late note-off cannot silence the newer note.
                stop = min(end, notes[i + 1][0]) if i + 1 < len(notes) else end
                vel = min(max(velocity, 1), 127) / 127.0
                rows.append((start, 1, channel, key, vel))
                rows.append((stop, 0, channel, key, 0.0))
    if not rows:
        empty = np.zeros(0)
        return empty, empty.astype(np.int64), empty, empty, empty
    table = np.array(rows, dtype=np.float64)
    order = np.lexsort((table[:, 1], table[:, 0]))
    table = table[order]
    return (
        table[:, 0],
        table[:, 1].astype(np.int64),
        table[:, 2].astype(np.int64),
        table[:, 3].astype(np.int64),
        table[:, 4],
    )


class BandRenderer:
    """Render the instrument stems of ``score`` range by range.

    Parameters
    ----------
    score: the song; its tracks' ``stem`` decides which output each plays into.
    sr: output sample rate in Hz.
    soundfont: an SF2 file; None picks one with :func:`find_soundfont`.

    ``soundfont_path`` and ``soundfont_name`` say which font plays.
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
        self._players: dict[Stem, list[_Player]] = {s: [] for s in BAND_STEMS}
        if tracks:
            font = load_soundfont(self.soundfont_path, presets)
            for track, preset in zip(tracks, presets, strict=True):
                self._players[track.stem].append(self._player(font, track, preset))
        log.info("band plays with SoundFont %s (%s)", self.soundfont_name, self.soundfont_path)
        self._clock = 0.0  # where the previous range ended, seconds

    def _player(self, font: object, track: Track, preset: Preset) -> _Player:
        top = max(n.pitch for n in track.notes)
        half = not track.is_drum and (
            high_share(self.soundfont_path, font, preset, top, self.sr) < HALF_RATE_MAX_HIGH_SHARE
        )
        synth = clone(font, self.sr // 2 if half else self.sr, SYNTH_GAIN_DB, MAX_VOICES)
        channel = DRUM_CHANNEL if track.is_drum else 0
        synth.channel_set_preset_number(channel, preset[1], track.is_drum)
        times, kinds, channels, keys, velocities = _events([(track, channel)])
        pan = min(max(float(track.pan), -1.0), 1.0)
        # Balance: the far side fades out, the near side keeps its level.
        weights = max(float(track.gain), 0.0) * np.array(
            [min(1.0, 1.0 - pan), min(1.0, 1.0 + pan)], dtype=np.float32
        )
        upsampler = Upsampler(2) if half else None
        return _Player(synth, weights, times, kinds, channels, keys, velocities, upsampler)

    def render(self, start: float, end: float) -> dict[Stem, np.ndarray]:
        """Stereo float32 ``(n, 2)`` audio of each band stem for ``start``..``end`` seconds.

        ``n = round((end - start) * sr)``. Call with consecutive ranges to continue
        seamlessly; a range that does not start where the last one ended restarts the
        synthesizers, with the notes sounding at ``start`` struck afresh.
        """
        if end < start:
            raise ValueError("end must not be before start")
        n = round((end - start) * self.sr)
        restart = abs(start - self._clock) > 1e-9
        out: dict[Stem, np.ndarray] = {}
        for stem in BAND_STEMS:
            audio = np.zeros((n, 2), dtype=np.float32)
            scratch = np.empty((n, 2), dtype=np.float32)
            for player in self._players[stem]:
                if restart:
                    self._seek(player, start)
                if player.upsampler is None:
                    self._play(player, start, end, scratch, self.sr)
                else:
                    self._play_half_rate(player, start, end, scratch)
                audio += scratch * player.weights
            out[stem] = audio
        self._clock = end
        return out

    def _seek(self, player: _Player, at: float) -> None:
        synth = player.synth
        if player.upsampler is not None:
            player.upsampler.reset()
            player.pending = player.pending[:0]
        for channel in set(player.channels.tolist()):
            synth.channel_sounds_off(channel)
        # Strike again the notes that began before ``at`` and are still held there.
        begun = np.searchsorted(player.times, at, side="left")
        held: dict[tuple[int, int], float] = {}
        for i in range(begun):
            struck = (int(player.channels[i]), int(player.keys[i]))
            if player.kinds[i]:
                held[struck] = float(player.velocities[i])
            else:
                held.pop(struck, None)
        for (channel, key), velocity in held.items():
            synth.channel_note_on(channel, key, velocity)

    def _play_half_rate(self, player: _Player, start: float, end: float, audio: np.ndarray) -> None:
        """Like :meth:`_play` for a half-rate player: synthesize the frames still missing
        at half the rate, double the rate, keep any frame beyond ``audio`` for next time."""
        assert player.upsampler is not None
        n, held = len(audio), len(player.pending)
        frames = math.ceil(max(n - held, 0) / 2)
        half = np.empty((frames, 2), dtype=np.float32)
        begin = start + held / self.sr
        self._play(player, begin, begin + 2 * frames / self.sr, half, self.sr / 2)
        made = np.concatenate([player.pending, player.upsampler.process(half)])
        audio[:] = made[:n]
        player.pending = made[n:].copy()

    def _play(
        self, player: _Player, start: float, end: float, audio: np.ndarray, rate: float
    ) -> None:
        """Write ``player``'s sound for ``start``..``end`` into ``audio`` (C-contiguous),
        synthesized at ``rate`` Hz."""
        n = len(audio)
        lo = np.searchsorted(player.times, start, side="left")
        hi = np.searchsorted(player.times, end, side="left")
        offsets = np.clip(np.round((player.times[lo:hi] - start) * rate), 0, n).astype(int)
        synth = player.synth
        pos = 0
        for i, offset in zip(range(lo, hi), offsets, strict=True):
            if offset > pos:
                synth.render(audio[pos:offset], False)
                pos = offset
            channel, key = int(player.channels[i]), int(player.keys[i])
            if player.kinds[i]:
                synth.channel_note_on(channel, key, float(player.velocities[i]))
            else:
                synth.channel_note_off(channel, key)
        if n > pos:
            synth.render(audio[pos:n], False)
