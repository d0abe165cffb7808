"""How well the built-in voice sings: intelligibility, pitch accuracy and speed.

Prints, for the male and the female voice:

* sung-word intelligibility: the share of sung words the offline recognizer
  (pocketsphinx, en-US) finds, in order, in each sung line (target >= 65 %), next to
  the same lines merely *spoken* by the same voice (the ceiling);
* pitch accuracy: the share of notes whose measured pitch (WORLD, median over the middle
  half of the note) is within +-0.5 semitone of the note (target >= 95 %);
* speed: CPU seconds of vocal rendering per minute of song and per minute of sung notes
  (target <= 1.5 for the voice), from a cold phrase cache.

The product's measure is on composed songs (``--compose`` / ``--only-compose``): one
row per genre and voice (each sings other lines of the bench lyrics), then a total per
voice and overall (word-weighted). ``--more`` adds 16 songs in further styles, each with
its own voice, seed and lines: a check that a change helps beyond the six genres.

Run: ``.venv/bin/python bench/intelligibility.py [--quick] [--compose | --only-compose]
[--more] [--voice male|female]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyworld

sys.path.insert(0, str(Path(__file__).parent))
# The voice's CPU figures are cold: nothing from the machine's cache of spoken lines.
os.environ["CHORUS_SPEECH_CACHE_MB"] = "0"

from _asr import matched_words, normalize, recognize
from _asr_songs import LINES_EN, LINES_ZH, make_score
from chorus.engine.score import Score, Voice
from chorus.engine.voice import Singer, render_vocals
from chorus.engine.voice._lines import _spoken
from chorus.engine.voice._phonemes import english_phonemes

SR = 44100
# Typical ranges of the composer's melodies (MIDI): male around G2-G3, female G4-E5.
BASES = {"male": 48, "female": 65}


def line_windows(score: Score) -> list[tuple[int, float, float]]:
    """``(line, start, end)`` of every sung line, with a little air around it."""
    lines: dict[tuple[int, int], list[float]] = {}
    for note in score.vocal:
        key = (note.section_index, note.line_index)
        span = lines.setdefault(key, [note.start, note.end])
        span[0], span[1] = min(span[0], note.start), max(span[1], note.end)
    return [(key[1], a - 0.3, b + 0.3) for key, (a, b) in sorted(lines.items())]


def sung_words(score: Score, section: int, line: int) -> list[str]:
    seen: dict[int, str] = {}
    for note in score.vocal:
        if note.section_index == section and note.line_index == line:
            seen.setdefault(note.word_index, note.word)
    return normalize(" ".join(seen[k] for k in sorted(seen)))


def intelligibility_counts(score: Score, audio: np.ndarray) -> tuple[int, int]:
    """(sung words the recognizer found in order, sung words), line by line."""
    found = total = 0
    keys = sorted({(n.section_index, n.line_index) for n in score.vocal})
    for section, line in keys:
        notes = [n for n in score.vocal if (n.section_index, n.line_index) == (section, line)]
        start = max(0.0, min(n.start for n in notes) - 0.3)
        end = max(n.end for n in notes) + 0.3
        reference = sung_words(score, section, line)
        heard = recognize(audio[int(start * SR) : int(end * SR)], SR)
        found += matched_words(reference, heard)
        total += len(reference)
    return found, total


def intelligibility(score: Score, audio: np.ndarray) -> float:
    """Share of sung words the recognizer found (0..1) in a vocal track at ``SR``."""
    found, total = intelligibility_counts(score, audio)
    return found / total if total else float("nan")


def spoken_reference(lines: tuple[str, ...]) -> float:
    """Recognition of the lines spoken plainly by the same voice, no singing."""
    singer = Singer.get()
    found = total = 0
    for line in lines:
        phonemes: list[str] = []
        for word in line.split():
            if phonemes:
                phonemes.append(" ")
            phonemes.extend(english_phonemes(word))
        speech = singer.speak(tuple(phonemes))
        reference = normalize(line)
        found += matched_words(reference, recognize(speech.audio, singer.sample_rate))
        total += len(reference)
    return found / max(total, 1)


def pitch_accuracy(score: Score, audio: np.ndarray) -> float:
    """Share of notes sung within +-0.5 semitone. The tracker runs over the whole sung
    audio (it needs context to lock on); each note is judged on the median pitch of the
    voiced frames in its middle half."""
    x = audio.astype(np.float64)
    f0, times = pyworld.dio(x, SR, f0_floor=60.0, f0_ceil=1100.0, frame_period=5.0)
    f0 = pyworld.stonemask(x, f0, times, SR)
    good = counted = 0
    for note in score.vocal:
        quarter = note.duration / 4
        middle = (times >= note.start + quarter) & (times < note.end - quarter)
        if not middle.any():
            continue
        counted += 1
        voiced = f0[middle & (f0 > 0)]
        if voiced.size == 0:
            continue
        target = 440.0 * 2.0 ** ((note.pitch - 69) / 12.0)
        if abs(12.0 * np.log2(float(np.median(voiced)) / target)) <= 0.5:
            good += 1
    return good / max(counted, 1)


def timed_render(score: Score) -> tuple[np.ndarray, float]:
    """Render the whole score section by section from a cold cache; CPU seconds."""
    _spoken.cache_clear()
    begin = time.process_time()
    pieces = [render_vocals(score, s.start, s.end, SR) for s in score.sections]
    cpu = time.process_time() - begin
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32), cpu


def measure(score: Score, asr: bool = True) -> dict[str, float]:
    """Render ``score`` and measure it: words found/total, notes in tune, CPU seconds."""
    audio, cpu = timed_render(score)
    found = total = 0
    if asr:
        found, total = intelligibility_counts(score, audio)
    return {
        "found": found,
        "words": total,
        "pitch": pitch_accuracy(score, audio),
        "notes": len(score.vocal),
        "cpu": cpu,
        "song_s": score.duration,
        "sung_s": sum(n.duration for n in score.vocal),
    }


def report(name: str, score: Score, asr: bool = True) -> dict[str, float]:
    m = measure(score, asr)
    song_minutes = m["song_s"] / 60.0
    sung_minutes = m["sung_s"] / 60.0
    words = f"{100 * m['found'] / max(m['words'], 1):5.1f} %" if asr else "   n/a"
    tempo = f"{score.tempo:3.0f} bpm"
    print(
        f"{name:<26} {tempo}  words {words}   pitch {100 * m['pitch']:5.1f} %   "
        f"cpu {m['cpu'] / song_minutes:4.2f} s/song-min  {m['cpu'] / max(sung_minutes, 1e-9):4.2f} "
        f"s/sung-min  ({m['song_s']:.0f} s song, {m['notes']:.0f} notes)",
        flush=True,
    )
    return m


def summary(name: str, rows: list[dict[str, float]]) -> None:
    found = sum(r["found"] for r in rows)
    words = sum(r["words"] for r in rows)
    notes = sum(r["notes"] for r in rows)
    pitch = sum(r["pitch"] * r["notes"] for r in rows) / max(notes, 1)
    cpu = sum(r["cpu"] for r in rows)
    song = sum(r["song_s"] for r in rows) / 60.0
    print(
        f"== {name:<23} words {100 * found / max(words, 1):5.1f} % ({found:.0f}/{words:.0f})"
        f"   pitch {100 * pitch:5.1f} %   cpu {cpu / max(song, 1e-9):4.2f} s/song-min",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 lines instead of 20")
    parser.add_argument("--compose", action="store_true", help="also sing composed songs")
    parser.add_argument("--only-compose", action="store_true", help="sing only the composed songs")
    parser.add_argument("--more", action="store_true", help="also 16 songs in further styles")
    parser.add_argument("--voice", choices=("male", "female"), help="one voice only")
    args = parser.parse_args()
    voices: tuple[Voice, ...] = (args.voice,) if args.voice else ("male", "female")
    load = time.process_time()
    Singer.get()
    print(f"voice load: {time.process_time() - load:.2f} CPU-s (once per process)")
    if not args.only_compose:
        lines = LINES_EN[:8] if args.quick else LINES_EN
        print(f"spoken reference (same voice, same lines): {100 * spoken_reference(lines):.1f} %")
        for voice in voices:
            for tempo in (96.0, 120.0):
                score = make_score(lines, voice=voice, tempo=tempo, base=BASES[voice])
                report(f"{voice} {tempo:.0f} bpm", score)
        chinese = make_score(LINES_ZH, voice="female", base=BASES["female"], language="zh")
        report("female zh (pitch/speed)", chinese, asr=False)
    if args.compose or args.only_compose:
        composed(voices, quick=args.quick)
    if args.more:
        more_styles(voices)


# Composed songs: (tags, seed), spanning slow to fast tempi and 4/4, 6/8 and swing.
GENRES: tuple[tuple[str, int], ...] = (
    ("pop", 3),
    ("slow soul ballad", 11),
    ("rock", 5),
    ("country", 7),
    ("folk", 2),
    ("rnb", 4),
)


def composed(voices: tuple[Voice, ...], quick: bool = False) -> None:
    """The product's measure: whole composed songs (verse + chorus of 4 lines each), the
    lyrics rotating through the bench lines so every case sings other words."""
    from chorus.engine.compose import compose
    from chorus.engine.request import SongRequest

    cases = GENRES[:4] if quick else GENRES
    everything: list[dict[str, float]] = []
    for voice in voices:
        rows: list[dict[str, float]] = []
        for index, (tags, seed) in enumerate(cases):
            first = (4 * index) % len(LINES_EN)
            chosen = [LINES_EN[(first + k) % len(LINES_EN)] for k in range(8)]
            lyrics = "[Verse]\n" + "\n".join(chosen[:4]) + "\n[Chorus]\n" + "\n".join(chosen[4:])
            request = SongRequest(tags=tags, lyrics=lyrics, duration=60.0, seed=seed, voice=voice)
            rows.append(report(f"compose {voice} {tags[:12]}", compose(request)))
        summary(f"compose {voice}", rows)
        everything.extend(rows)
    if len(voices) > 1:
        summary("compose overall", everything)


# Further styles, one voice each: (tags, seed, voice).
MORE: tuple[tuple[str, int, Voice], ...] = (
    ("upbeat synth pop", 21, "female"), ("indie rock", 22, "male"), ("punk", 23, "female"),
    ("country ballad", 24, "male"), ("blues", 25, "female"), ("reggae", 26, "male"),
    ("edm dance", 27, "female"), ("acoustic folk", 28, "male"), ("jazz", 29, "female"),
    ("soul", 30, "male"), ("pop rock", 31, "female"), ("hip hop", 32, "male"),
    ("lofi", 33, "female"), ("metal", 34, "male"), ("disco", 35, "female"),
    ("gospel", 36, "male"),
)  # fmt: skip


def more_styles(voices: tuple[Voice, ...]) -> None:
    """Whole composed songs in 16 further styles (verse + chorus of 4 lines each)."""
    from chorus.engine.compose import compose
    from chorus.engine.request import SongRequest

    rows: list[dict[str, float]] = []
    for index, (tags, seed, voice) in enumerate(MORE):
        if voice not in voices:
            continue
        first = (7 * index + 3) % len(LINES_EN)
        chosen = [LINES_EN[(first + k) % len(LINES_EN)] for k in range(8)]
        lyrics = "[Verse]\n" + "\n".join(chosen[:4]) + "\n[Chorus]\n" + "\n".join(chosen[4:])
        request = SongRequest(tags=tags, lyrics=lyrics, duration=60.0, seed=seed, voice=voice)
        rows.append(report(f"more {voice} {tags[:14]}", compose(request)))
    summary("more styles", rows)


if __name__ == "__main__":
    main()
