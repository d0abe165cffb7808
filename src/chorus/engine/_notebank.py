"""One instrument track, each distinct note synthesized once.

A song repeats itself: the same chord voicing every bar, the same kick on every beat. A
SoundFont voice depends only on its key, its velocity and how long it is held
(TinySoundFont runs no effect across voices, and a voice's envelopes and LFOs start with
its note), so each distinct note is made once, on a synthesizer of its own, and added in
wherever it is played. The synthesizer's work then grows with the number of distinct
notes rather than the number played, and any range of the track can be made on its own:
the notes still sounding from before the range are simply added in part.

Exclusive classes (a closed hi-hat silencing the open one) are applied where a note is
placed: from the onset of the next note of its class it fades out the way the
synthesizer's quick release does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chorus.engine._sf2subset import KeyMap
from chorus.engine._soundfont import Synth

# A note's sound ends where it stays below this (-100 dBFS): far under the mix's own noise
# even after the master's gain, so what is cut was inaudible.
TAIL_FLOOR = 1e-5
MAX_TAIL_S = 12.0
_BLOCK = 4096
# A range may start this many samples before the previous one ended and still be served
# from what is at hand (an interpolator reads a little either side of its range).
LOOKBACK = 256
# TinySoundFont's quick release: 10 ms, exponential (the level falls by e^-9.226).
CHOKE_S = 0.01
_CHOKE_EXPONENT = -9.226


@dataclass(frozen=True, slots=True)
class NoteTable:
    """A track's notes at its own sample rate, sorted by onset.

    ``onsets`` and ``held`` are sample counts (start, and how long the key is held);
    ``keys`` MIDI keys. A note is played as its key's sound at ``loudest``, the top
    velocity (0..1) of its velocity layer (the velocities one set of samples plays),
    scaled by ``gains``: within a layer a SoundFont voice's level is proportional to
    the velocity. ``chokes`` is the sample where a later note of the same exclusive class
    cuts the note off, -1 where none does.
    """

    onsets: np.ndarray
    held: np.ndarray
    keys: np.ndarray
    loudest: np.ndarray
    gains: np.ndarray
    chokes: np.ndarray

    @classmethod
    def build(
        cls,
        *,
        starts: np.ndarray,
        ends: np.ndarray,
        keys: np.ndarray,
        velocities: np.ndarray,
        rate: float,
        keymap: KeyMap,
    ) -> NoteTable:
        """From note times in seconds and velocities 0..1. A key struck again while
        still held is let go at the new strike."""
        starts = np.asarray(starts, dtype=np.float64)
        ends = np.asarray(ends, dtype=np.float64).copy()
        keys = np.asarray(keys, dtype=np.int64)
        by_key = np.lexsort((starts, keys))
        same = keys[by_key][1:] == keys[by_key][:-1]
        following = by_key[1:][same]
        ends[by_key[:-1][same]] = np.minimum(ends[by_key[:-1][same]], starts[following])
        order = np.argsort(starts, kind="stable")
        onsets = np.round(starts[order] * rate).astype(np.int64)
        offs = np.maximum(np.round(ends[order] * rate).astype(np.int64), onsets)
        keys = keys[order]
        velocities = np.asarray(velocities, dtype=np.float64)[order]
        loudest = np.array(
            [_layer_top(int(k), float(v), keymap) for k, v in zip(keys, velocities, strict=True)]
        )
        chokes = np.full(len(order), -1, dtype=np.int64)
        latest: dict[int, int] = {}
        for i in range(len(order) - 1, -1, -1):
            group = keymap.classes.get(int(keys[i]), 0)
            if group:
                if group in latest:
                    chokes[i] = onsets[latest[group]]
                latest[group] = i
        return cls(
            onsets=onsets,
            held=offs - onsets,
            keys=keys,
            loudest=loudest,
            gains=velocities / np.maximum(loudest, 1e-9),
            chokes=chokes,
        )


def _layer_top(key: int, velocity: float, keymap: KeyMap) -> float:
    """The velocity (0..1) a note is synthesized at: the top of its velocity layer.

    The synthesizer picks samples by ``int(velocity * 127)`` in single precision; the
    top is given half a step above its MIDI value so it lands in the same layer."""
    midi = int(np.float32(velocity) * np.float32(127.0))
    top = 127
    for cut in keymap.splits.get(key, ()):
        if midi < cut:
            top = cut - 1
            break
    return (top + 0.5) / 127.0 if top < 127 else 1.0


class NoteBank:
    """Adds one track's sound into buffers, range by range.

    Parameters
    ----------
    notes: the track's notes at ``rate``.
    synth: makes a fresh synthesizer with the track's preset on ``channel`` (one per
        distinct note, so every note starts from silence).
    channel: the MIDI channel the notes play on.
    rate: the track's sample rate in Hz.
    weights: (2,) left/right gains applied to the sound.

    Sounds are kept while a later note still needs them and dropped once every note
    using them has been placed, so memory follows what repeats, not the song's length.
    """

    def __init__(
        self,
        notes: NoteTable,
        synth: Callable[[], Synth],
        channel: int,
        rate: float,
        weights: np.ndarray,
    ) -> None:
        self.notes = notes
        self._make_synth = synth
        self.channel = channel
        self.rate = rate
        self.weights = np.asarray(weights, dtype=np.float32)
        # A sound is a key, a velocity layer's top and a held length; the top, (m + 0.5) /
        # 127 or 1, is kept exactly as the whole number 254 * top.
        identity = np.stack(
            [notes.keys, np.round(notes.loudest * 254).astype(np.int64), notes.held], axis=1
        )
        distinct, self._sound_of = np.unique(identity, axis=0, return_inverse=True)
        self._sound_of = self._sound_of.reshape(-1)
        self._distinct = distinct
        # Each sound's onsets in order, to tell when it is next (and last) needed.
        by_sound = np.argsort(self._sound_of, kind="stable")
        self._uses = np.split(notes.onsets[by_sound], np.cumsum(np.bincount(
            self._sound_of, minlength=len(distinct)))[:-1])  # fmt: skip
        self._sounds: dict[int, np.ndarray] = {}
        self._choke = np.exp(
            _CHOKE_EXPONENT * np.arange(max(round(CHOKE_S * rate), 1)) / max(CHOKE_S * rate, 1)
        ).astype(np.float32)[:, None]
        self._active: list[int] = []  # notes sounding at or after ``_floor``
        self._next = 0  # first note not yet started
        self._floor = 0  # ranges starting here or later continue from ``_active``
        self.distinct_rendered = 0
        self._work = np.empty((0, 2), dtype=np.float32)

    @property
    def distinct(self) -> int:
        """How many distinct notes the track plays."""
        return len(self._distinct)

    @property
    def cached_bytes(self) -> int:
        return sum(sound.nbytes for sound in self._sounds.values())

    def add(self, out: np.ndarray, start: int) -> None:
        """Add the track's sound for samples ``start .. start + len(out)`` into ``out``
        ((n, 2) float32, C-contiguous). ``start`` may be negative (silence before 0)."""
        end = start + len(out)
        if start < self._floor:
            self._restart(start)
        stop = int(np.searchsorted(self.notes.onsets, end, side="left"))
        self._active.extend(range(self._next, stop))
        self._next = max(self._next, stop)
        floor = end - LOOKBACK
        self._active = [i for i in self._active if self._place(i, out, start, end) > floor]
        self._floor = floor
        self._forget(floor)

    def _restart(self, start: int) -> None:
        """Find the notes still sounding at ``start`` (a range starting before what is
        at hand)."""
        begun = int(np.searchsorted(self.notes.onsets, start, side="left"))
        self._active = [i for i in range(begun) if self._end(i, self._sound(i)) > start]
        self._next = begun
        self._floor = start

    def _sound(self, note: int) -> np.ndarray:
        index = int(self._sound_of[note])
        sound = self._sounds.get(index)
        if sound is None:
            key, loudest, held = (int(v) for v in self._distinct[index])
            sound = self._render(key, loudest / 254.0, held)
            sound *= self.weights
            self._sounds[index] = sound
            self.distinct_rendered += 1
        return sound

    def _end(self, note: int, sound: np.ndarray) -> int:
        """The sample after the last one the note (playing ``sound``) sounds in."""
        onset = int(self.notes.onsets[note])
        end = onset + len(sound)
        choke = int(self.notes.chokes[note])
        return min(end, choke + len(self._choke)) if choke >= 0 else end

    def _place(self, note: int, out: np.ndarray, start: int, end: int) -> int:
        """Add the part of ``note`` inside ``start .. end``; returns where the note ends."""
        sound = self._sound(note)
        onset = int(self.notes.onsets[note])
        choke = int(self.notes.chokes[note])
        stop = self._end(note, sound)
        lo, hi = max(onset, start), min(stop, end)
        if hi <= lo:
            return stop
        gain = float(self.notes.gains[note])
        cut = hi if choke < 0 else min(max(choke, lo), hi)
        if cut > lo:
            part = self._scratch(cut - lo)
            np.multiply(sound[lo - onset : cut - onset], np.float32(gain), out=part)
            out[lo - start : cut - start] += part
        if hi > cut:
            fade = self._choke[cut - choke : hi - choke] * np.float32(gain)
            out[cut - start : hi - start] += sound[cut - onset : hi - onset] * fade
        return stop

    def _scratch(self, frames: int) -> np.ndarray:
        """A reusable (frames, 2) float32 work buffer (placing notes allocates nothing)."""
        if len(self._work) < frames:
            self._work = np.empty((max(frames, 2 * len(self._work)), 2), dtype=np.float32)
        return self._work[:frames]

    def _forget(self, end: int) -> None:
        """Drop the sounds no range from ``end`` on needs."""
        for index in [i for i, s in self._sounds.items() if self._uses[i][-1] + len(s) <= end]:
            del self._sounds[index]

    def spare(self, after: int) -> list[tuple[int, int, int]]:
        """The sounds at hand that no note sounding now uses, as ``(next onset, bytes,
        sound)`` (next onset at or after sample ``after``; sounds needed again soonest
        are worth keeping most)."""
        busy = {int(self._sound_of[i]) for i in self._active}
        spare = []
        for index, sound in self._sounds.items():
            if index in busy:
                continue
            uses = self._uses[index]
            following = int(np.searchsorted(uses, after, side="left"))
            if following < len(uses):
                spare.append((int(uses[following]), sound.nbytes, index))
        return spare

    def drop(self, index: int) -> None:
        """Forget a sound (it is made again if a note needs it later)."""
        self._sounds.pop(index, None)

    def _render(self, key: int, velocity: float, held: int) -> np.ndarray:
        """One note from silence: ``held`` samples with the key down, then its release
        until it falls silent (trailing samples under :data:`TAIL_FLOOR` dropped)."""
        synth = self._make_synth()
        synth.channel_note_on(self.channel, key, velocity)
        blocks = [np.zeros((held, 2), dtype=np.float32)]
        synth.render(blocks[0], False)
        synth.channel_note_off(self.channel, key)
        for _ in range(int(MAX_TAIL_S * self.rate / _BLOCK) + 1):
            block = np.zeros((_BLOCK, 2), dtype=np.float32)
            synth.render(block, False)
            blocks.append(block)
            if not np.any(np.abs(block) > TAIL_FLOOR):
                break
        audio = np.concatenate(blocks)
        loud = np.flatnonzero(np.abs(audio.reshape(-1)) > TAIL_FLOOR)
        return audio[: int(loud[-1]) // 2 + 1 if loud.size else 0]
