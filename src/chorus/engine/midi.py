"""Export a score as a Standard MIDI File (``song.mid``).

The lyrics sit in the vocal track itself: one ``lyrics`` meta event per syllable just
before its note, UTF-8 encoded so Chinese survives. Tempo, time signature and key
signature go in the first track; drums play on channel 10. The file is written byte by
byte (a type-1 SMF is a short header and one chunk of delta-timed events per track);
every value is clamped to its range first, so nothing written can be invalid.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from chorus.engine._files import atomic_write_bytes
from chorus.engine.score import Score

PPQ = 480
DRUM_CHANNEL = 9  # channel 10 in the 1-based numbering of the MIDI specification
VOCAL_PROGRAM = 53  # "Voice Oohs", so a plain MIDI player hums the tune
# Key signatures as the specification writes them: sharps (negative: flats) of each
# tonic pitch class, major and minor.
_SHARPS_MAJOR = (0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5)
_SHARPS_MINOR = (-3, 4, -1, -6, 1, -4, 3, -2, 5, 0, -5, 2)
_MINOR_MODES = ("minor", "dorian", "phrygian")

# (tick, order, bytes): at equal ticks, note-offs (0) before program and lyric events (1)
# before note-ons (2), so repeated pitches retrigger and a lyric precedes its note.
Event = tuple[int, int, bytes]


def _ticks(seconds: float, score: Score) -> int:
    # Quarter notes per second: a 6/8 score counts its tempo in eighths.
    quarters_per_beat = 0.5 if score.meter == 6 else 1.0
    return max(0, round(seconds / score.beat_seconds * quarters_per_beat * PPQ))


def _varlen(value: int) -> bytes:
    """A MIDI variable-length quantity: 7 bits a byte, high bit set on all but the last."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _meta(kind: int, data: bytes) -> bytes:
    return bytes((0xFF, kind)) + _varlen(len(data)) + data


def _chunk(name: bytes, body: bytes) -> bytes:
    return name + len(body).to_bytes(4, "big") + body


def _track(name: str, events: Iterable[Event]) -> bytes:
    body = [b"\x00" + _meta(0x03, name.encode("utf-8"))]
    now = 0
    for tick, _order, message in sorted(events, key=lambda e: (e[0], e[1])):
        body.append(_varlen(tick - now) + message)
        now = tick
    body.append(b"\x00" + _meta(0x2F, b""))
    return _chunk(b"MTrk", b"".join(body))


def _notes(
    score: Score, channel: int, notes: Iterable[tuple[float, float, int, int]]
) -> list[Event]:
    events: list[Event] = []
    on_status, off_status = 0x90 | channel, 0x80 | channel
    for start, duration, raw_pitch, raw_velocity in notes:
        on = _ticks(start, score)
        off = max(on + 1, _ticks(start + duration, score))
        pitch = min(127, max(0, raw_pitch))
        velocity = min(127, max(1, raw_velocity))
        events.append((on, 2, bytes((on_status, pitch, velocity))))
        events.append((off, 0, bytes((off_status, pitch, 0))))
    return events


def _program(channel: int, program: int) -> Event:
    return (0, 1, bytes((0xC0 | channel, program % 128)))


def midi_bytes(score: Score) -> bytes:
    """``score`` as a type-1 Standard MIDI File.

    Every band track keeps its General MIDI program (drums on channel 10); the melody is a
    track named "Vocals" with a lyric event per syllable; the first track carries tempo,
    time signature and key signature.
    """
    quarter_bpm = score.tempo / 2 if score.meter == 6 else score.tempo
    numerator, denominator_power = (6, 3) if score.meter == 6 else (score.meter, 2)
    minor = score.mode in _MINOR_MODES
    sharps = (_SHARPS_MINOR if minor else _SHARPS_MAJOR)[score.key % 12]
    microseconds = min(round(60_000_000 / quarter_bpm), 0xFFFFFF)
    meta: list[Event] = [
        (0, 0, _meta(0x51, microseconds.to_bytes(3, "big"))),
        (0, 0, _meta(0x58, bytes((numerator, denominator_power, 24, 8)))),
        (0, 0, _meta(0x59, bytes((sharps & 0xFF, int(minor))))),
    ]
    tracks = [_track(score.title or "Chorus", meta)]

    channel = 0
    for track in score.tracks:
        if track.is_drum:
            ch = DRUM_CHANNEL
        else:
            ch = min(channel, 15)
            channel = channel + 1 if channel + 1 != DRUM_CHANNEL else channel + 2
        events = [] if track.is_drum else [_program(ch, track.program)]
        events += _notes(
            score, ch, ((n.start, n.duration, n.pitch, n.velocity) for n in track.notes)
        )
        tracks.append(_track(track.name, events))

    if score.vocal:
        ch = min(channel, 15)
        events = [_program(ch, VOCAL_PROGRAM)]
        events += [(_ticks(n.start, score), 1, _meta(0x05, n.text.encode("utf-8")))
                   for n in score.vocal]  # fmt: skip
        events += _notes(
            score, ch, ((n.start, n.duration, n.pitch, n.velocity) for n in score.vocal)
        )
        tracks.append(_track("Vocals", events))
    header = _chunk(b"MThd", (1).to_bytes(2, "big") + len(tracks).to_bytes(2, "big")
                    + PPQ.to_bytes(2, "big"))  # fmt: skip
    return header + b"".join(tracks)


def write_midi(score: Score, path: Path) -> None:
    """Write ``score`` to ``path`` as a type-1 MIDI file (see :func:`midi_bytes`),
    atomically."""
    atomic_write_bytes(path, midi_bytes(score))
