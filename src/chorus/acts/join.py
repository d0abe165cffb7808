"""Joining the audio, lyrics timings and MIDI of an extension chain into one clip folder.

Each part is cut at the second the next part took over and the parts follow each other;
a few milliseconds of fade at every join keep the cut from clicking. The joined folder has
the files of any clip: ``song.mp3`` (and the same bytes as ``stream.mp3``), the covers of
the last part, ``video.mp4``, ``song.mid``, ``lyrics.json`` and ``summary.json``. The MP3
and the video are made as a render makes them: one ffmpeg run, H.264 + AAC beside an MP3
whose Info frame gives its exact length.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from chorus.acts.concat import Part
from chorus.engine._files import atomic_write_json
from chorus.engine.encode import decode_audio, pcm16, write_mp3
from chorus.engine.render import ENCODE_SAMPLES
from chorus.engine.video import VideoWriter

JOIN_FADE_S = 0.01
# Samples of silence before the song in a decoded MP3 without an Info frame (LAME's
# encoder delay plus the decoder's), measured by aligning a decoded MP3 with the audio it
# was made from. An MP3 with the frame decodes to its exact samples.
MP3_DELAY_SAMPLES = 1104


def _fade(audio: np.ndarray, sr: int, *, head: bool, tail: bool) -> np.ndarray:
    """Fade the first and/or last :data:`JOIN_FADE_S` seconds of ``audio`` (n, channels)
    linearly, so a join between two parts does not click."""
    n = min(len(audio), max(1, int(JOIN_FADE_S * sr)))
    out = audio.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)[:, None]
    if head:
        out[:n] *= ramp
    if tail:
        out[-n:] *= ramp[::-1]
    return out


def _true_length(audio: np.ndarray, rate: int, folder: Path) -> np.ndarray:
    """The decoded MP3 without the encoder's delay and padding, so part times are song
    times. The true length is the clip's ``summary.json`` duration. An MP3 with an Info
    frame decodes to about that; one without starts with the encoder's delay
    (:data:`MP3_DELAY_SAMPLES`) and ends with padding up to a whole frame."""
    try:
        seconds = float(json.loads((folder / "summary.json").read_text("utf-8"))["duration"])
    except (OSError, ValueError, KeyError, TypeError):
        return audio
    wanted = round(seconds * rate)
    extra = len(audio) - wanted
    if extra <= 0:
        return audio
    start = MP3_DELAY_SAMPLES if extra >= MP3_DELAY_SAMPLES else 0
    return audio[start : start + wanted]


def _encode(song: np.ndarray, rate: int, out_dir: Path) -> None:
    """``song.mp3`` and ``video.mp4`` (over ``cover.jpg``) of the joined ``song``."""
    channels = song.shape[1] if song.ndim == 2 else 1
    with VideoWriter(out_dir / "cover.jpg", out_dir / "video.mp4", rate, channels,
                     len(song) / rate, mp3=out_dir / "song.mp3") as writer:  # fmt: skip
        for a in range(0, len(song), ENCODE_SAMPLES):
            writer.write(pcm16(song[a : a + ENCODE_SAMPLES], channels))


def _shift_timing(
    timing: dict[str, Any], offset: float, cut: float | None, section_base: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Words and sections of one part that sound before ``cut``, moved ``offset`` seconds
    later, their section numbers after ``section_base``."""

    def keep(item: dict[str, Any]) -> bool:
        return cut is None or float(item["start_s"]) < cut

    def moved(item: dict[str, Any]) -> dict[str, Any]:
        end = float(item["end_s"]) if cut is None else min(float(item["end_s"]), cut)
        out = {**item, "start_s": round(float(item["start_s"]) + offset, 3)}
        out["end_s"] = round(end + offset, 3)
        if "section" in out and out["section"] is not None:
            out["section"] = int(out["section"]) + section_base
        return out

    words = [moved(w) for w in timing.get("words", []) if keep(w)]
    sections = []
    for section in timing.get("sections", []):
        if not keep(section):
            continue
        lines = []
        for line in section.get("lines", []):
            if keep(line):
                line_words = [moved(w) for w in line.get("words", []) if keep(w)]
                lines.append({**moved(line), "words": line_words})
        sections.append({**moved(section), "lines": lines})
    return words, sections


def _join_midi(parts: list[tuple[Path, float | None, float]], out: Path) -> None:
    """One MIDI file of the parts' ``song.mid`` files, each cut and moved in time."""
    import pretty_midi

    merged = pretty_midi.PrettyMIDI()
    tracks: dict[tuple[int, bool, str], pretty_midi.Instrument] = {}
    offset = 0.0
    for path, cut, length in parts:
        if path.is_file():
            for inst in pretty_midi.PrettyMIDI(str(path)).instruments:
                track = tracks.setdefault(
                    (inst.program, inst.is_drum, inst.name),
                    pretty_midi.Instrument(inst.program, is_drum=inst.is_drum, name=inst.name),
                )
                for note in inst.notes:
                    if cut is not None and note.start >= cut:
                        continue
                    end = note.end if cut is None else min(note.end, cut)
                    track.notes.append(
                        pretty_midi.Note(
                            note.velocity, note.pitch, note.start + offset, end + offset
                        )
                    )
        offset += length
    merged.instruments.extend(tracks.values())
    tmp = out.with_name(f".{out.name}.tmp")
    merged.write(str(tmp))
    tmp.replace(out)


def join_clips(parts: list[Part], out_dir: Path) -> float:
    """Write the joined clip of ``parts`` into ``out_dir``; returns its length in seconds.

    Parameters
    ----------
    parts: the chain, first clip first; every part but the last has ``cut_at`` seconds.
    out_dir: the joined clip's folder (created if missing).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = []
    words: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    midi_parts: list[tuple[Path, float | None, float]] = []
    language = "en"
    rate = 44100
    offset = 0.0
    for number, part in enumerate(parts):
        audio, rate = decode_audio(part.folder / "song.mp3")
        audio = _true_length(audio, rate, part.folder)
        if part.cut_at is not None:
            audio = audio[: round(part.cut_at * rate)]
        audio = _fade(audio, rate, head=number > 0, tail=part.cut_at is not None)
        pieces.append(audio)
        length = len(audio) / rate
        lyrics_file = part.folder / "lyrics.json"
        if lyrics_file.is_file():
            timing = json.loads(lyrics_file.read_text(encoding="utf-8"))
            language = str(timing.get("language", language)) if number == 0 else language
            more_words, more_sections = _shift_timing(timing, offset, part.cut_at, len(sections))
            words.extend(more_words)
            sections.extend(more_sections)
        midi_parts.append((part.folder / "song.mid", part.cut_at, length))
        offset += length
    song = np.concatenate(pieces) if pieces else np.zeros((0, 2), np.float32)
    last = parts[-1].folder
    for name in ("cover.jpg", "cover_small.jpg"):
        if (last / name).is_file():
            shutil.copyfile(last / name, out_dir / name)
    if (out_dir / "cover.jpg").is_file():
        _encode(song, rate, out_dir)
    else:
        write_mp3(out_dir / "song.mp3", song, rate)
    shutil.copyfile(out_dir / "song.mp3", out_dir / "stream.mp3")
    _join_midi(midi_parts, out_dir / "song.mid")
    for index, word in enumerate(words):
        word["index"] = index
    atomic_write_json(
        out_dir / "lyrics.json", {"language": language, "words": words, "sections": sections}
    )
    duration = round(len(song) / rate, 3)
    summary = {
        "duration": duration,
        "concat_of": [{"clip_id": part.clip_id, "cut_at": part.cut_at} for part in parts],
        "rendered_at": int(time.time()),
    }
    atomic_write_json(out_dir / "summary.json", summary)
    return duration
