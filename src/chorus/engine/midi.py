"""Export a score as a Standard MIDI File (``song.mid``).

Written with mido so the lyrics can sit in the vocal track itself: one ``lyrics`` meta
event per syllable just before its note, UTF-8 encoded so Chinese survives. Tempo, time
signature and key signature go in the first track; drums play on channel 10.
"""

from __future__ import annotations

from pathlib import Path

import mido

from chorus.engine.score import Score

PPQ = 480
DRUM_CHANNEL = 9  # channel 10 in the 1-based numbering of the MIDI specification
VOCAL_PROGRAM = 53  # "Voice Oohs", so a plain MIDI player hums the tune
_KEYS_MAJOR = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_KEYS_MINOR = ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm")

Event = tuple[int, int, mido.Message | mido.MetaMessage]


def _ticks(seconds: float, score: Score) -> int:
    # Quarter notes per second: a 6/8 score counts its tempo in eighths.
    quarters_per_beat = 0.5 if score.meter == 6 else 1.0
    return max(0, round(seconds / score.beat_seconds * quarters_per_beat * PPQ))


def _track(name: str, events: list[Event]) -> mido.MidiTrack:
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    now = 0
    # Sort by time, then note-offs before note-ons so repeated pitches retrigger.
    for tick, _order, message in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(message, mido.Message):
            # Values were range-checked when the message was made.
            track.append(message.copy(skip_checks=True, time=tick - now))
        else:
            track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _notes(score: Score, channel: int, notes: list[tuple[float, float, int, int]]) -> list[Event]:
    events: list[Event] = []
    for start, duration, raw_pitch, raw_velocity in notes:
        on = _ticks(start, score)
        off = max(on + 1, _ticks(start + duration, score))
        pitch = min(127, max(0, raw_pitch))
        velocity = min(127, max(1, raw_velocity))
        # Clamped above, so mido's per-message validation (most of the export's time) is
        # skipped.
        on_message = mido.Message(
            "note_on", skip_checks=True, channel=channel, note=pitch, velocity=velocity
        )
        off_message = mido.Message(
            "note_off", skip_checks=True, channel=channel, note=pitch, velocity=0
        )
        events.append((on, 2, on_message))
        events.append((off, 0, off_message))
    return events


def write_midi(score: Score, path: Path) -> None:
    """Write ``score`` to ``path`` as a type-1 MIDI file.

    Every band track keeps its General MIDI program (drums on channel 10); the melody is a
    track named "Vocals" with a lyric event per syllable; the first track carries tempo,
    time signature and key signature.
    """
    midi = mido.MidiFile(type=1, ticks_per_beat=PPQ, charset="utf-8")
    quarter_bpm = score.tempo / 2 if score.meter == 6 else score.tempo
    numerator, denominator = (6, 8) if score.meter == 6 else (score.meter, 4)
    names = _KEYS_MINOR if score.mode in ("minor", "dorian", "phrygian") else _KEYS_MAJOR
    meta: list[Event] = [
        (0, 0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(quarter_bpm))),
        (0, 0, mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator)),
        (0, 0, mido.MetaMessage("key_signature", key=names[score.key % 12])),
    ]
    midi.tracks.append(_track(score.title or "Chorus", meta))

    channel = 0
    for track in score.tracks:
        if track.is_drum:
            ch = DRUM_CHANNEL
        else:
            ch = channel
            channel = channel + 1 if channel + 1 != DRUM_CHANNEL else channel + 2
            ch = min(ch, 15)
        events: list[Event] = []
        if not track.is_drum:
            events.append(
                (0, 1, mido.Message("program_change", channel=ch, program=track.program % 128))
            )
        events += _notes(
            score, ch, [(n.start, n.duration, n.pitch, n.velocity) for n in track.notes]
        )
        midi.tracks.append(_track(track.name, events))

    if score.vocal:
        ch = min(channel, 15)
        events = [(0, 1, mido.Message("program_change", channel=ch, program=VOCAL_PROGRAM))]
        for note in score.vocal:
            events.append(
                (_ticks(note.start, score), 1, mido.MetaMessage("lyrics", text=note.text))
            )
        events += _notes(
            score, ch, [(n.start, n.duration, n.pitch, n.velocity) for n in score.vocal]
        )
        midi.tracks.append(_track("Vocals", events))
    midi.save(str(path))
