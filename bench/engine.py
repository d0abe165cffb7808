"""Engine speed and memory: prints CPU-s per minute of audio, first-audio latency, wall
time of two clips side by side, and peak RSS per render process.

The live ``stream.mp3`` is written only when someone listens (the media route says so);
"listened" rows stream from the first section, as when a player opens the stream at
once, and "unheard" rows make no stream, as for an API client that fetches the final
files. The first line also gives the CPU seconds of a fixed reference workload on this
machine, to compare figures taken on machines of different speed.

Run: ``.venv/bin/python bench/engine.py [--duration 120] [--repeat 3] [--out bench/out]``.
Targets: <= 3 CPU-s per sung minute, first audio <= 2 s, two 2-minute clips <= 12 s wall,
peak RSS <= 600 MB per render process. CPU seconds include the ffmpeg child that encodes
the MP3 and the video; every figure is the median of ``--repeat`` runs (the machine is
shared), and the stage table gives each stage's median seconds (wall, as summary.json
records them; "encode" feeds the master to ffmpeg, "files" waits for it to finish).
Every clip starts with its process's cache of spoken lines empty, and the machine's cache
of spoken lines (kept across songs) is off. A solo clip makes all its own speech; the two
clips side by side are a task's two clips, which share the speech of their common lyrics
(as the service's renders do), so the task lines give a task's CPU seconds per minute of
the audio it delivers. The last of them is a task whose lyrics were sung before on this
machine (a request repeated with other seeds), with the machine's cache on.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from chorus.engine.progress import RenderProgress
from chorus.engine.render import render_song
from chorus.engine.request import SongRequest
from chorus.engine.voice import _speechcache
from chorus.engine.voice._lines import _spoken

# Cold figures: no line is read from the machine's cache of spoken lines (render
# processes inherit this; a job asking for the cache turns it on in its process).
os.environ["CHORUS_SPEECH_CACHE_MB"] = "0"

LYRICS = """[Verse]
Walking down the streets beneath the city lights
Neon signs are flickering and lighting up the night
Heart is beating faster like a drum inside my chest
I am alive this moment and I feel so blessed

[Chorus]
City lights are calling me tonight
Every window shining gold and white
Hold my hand and never let me go
City lights are all I need to know

[Verse 2]
Concrete jungle shining with a dazzling glow
Every corner hiding secrets only locals know
A symphony of chaos but it's music to my ears
The hustle and the bustle wiping all my fears

[Chorus]
City lights are calling me tonight
Every window shining gold and white
Hold my hand and never let me go
City lights are all I need to know
"""


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the ffmpeg video encoder)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_up() -> None:
    """Load the voice and the SoundFont once, as a reused worker process would have."""
    out = Path(f"bench/out/warmup-{os.getpid()}")
    render_song(SongRequest(tags="pop", lyrics="[Verse]\nhello there my friend", duration=10), out)
    shutil.rmtree(out, ignore_errors=True)


def _render_job(
    kind: str,
    duration: float,
    seed: int,
    out: str,
    *,
    shared: str | None = None,
    listened: bool = True,
    kept_speech: bool = False,
) -> dict[str, Any]:
    """One render in a worker process: CPU seconds, wall, first audio, peak RSS. The
    process's own cache of spoken lines is emptied first, so every clip starts cold; the
    two clips of a task share their speech through ``shared``, as the service's do;
    ``kept_speech`` turns on the machine's cache of spoken lines."""
    _spoken.cache_clear()
    os.environ["CHORUS_SPEECH_CACHE_MB"] = str(_speechcache.DEFAULT_MB) if kept_speech else "0"
    request = SongRequest(
        tags="upbeat synth pop" if kind == "sung" else "lofi hip hop",
        title="City Lights",
        lyrics=LYRICS if kind == "sung" else "",
        instrumental=kind != "sung",
        duration=duration,
        seed=seed,
    )
    first_audio: list[float] = []
    began = time.perf_counter()

    def on_progress(progress: RenderProgress) -> None:
        if progress.audio_seconds > 0 and not first_audio:
            first_audio.append(time.perf_counter() - began)

    cpu0 = time.process_time() + _children_cpu()
    result = render_song(
        request,
        Path(out),
        on_progress,
        shared_dir=Path(shared) if shared else None,
        stream=listened,
    )
    return {
        "kind": f"{kind} {'listened' if listened else 'unheard'}",
        "cpu_s": time.process_time() + _children_cpu() - cpu0,
        "wall_s": time.perf_counter() - began,
        "first_audio_s": first_audio[0] if first_audio else float("nan"),
        "audio_s": float(result.summary["duration"]),
        "peak_rss_mb": _peak_rss_mb(),
        "timings": result.summary["timings"],
    }


def _median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Field by field medians of repeated runs (stage timings too)."""
    out: dict[str, Any] = {"kind": rows[0]["kind"]}
    for key in ("cpu_s", "wall_s", "first_audio_s", "audio_s", "peak_rss_mb"):
        out[key] = statistics.median(r[key] for r in rows)
    out["timings"] = {
        stage: statistics.median(r["timings"].get(stage, 0.0) for r in rows)
        for stage in rows[0]["timings"]
    }
    return out


def _per_minute(cpu_s: float, audio_s: float) -> float:
    return cpu_s / (audio_s / 60.0)


def _task(pool: ProcessPoolExecutor, out: Path, duration: float, r: int, *, listened: bool,
          kept_speech: bool = False) -> tuple[list[dict[str, Any]], float]:  # fmt: skip
    """A task's two sung clips side by side, sharing their speech: rows and wall time."""
    shared = out / f"shared{r}"
    shutil.rmtree(shared, ignore_errors=True)
    began = time.perf_counter()
    pair = [pool.submit(_render_job, "sung", duration, seed + 10 * r, str(out / f"pair{seed}"),
                        shared=str(shared), listened=listened, kept_speech=kept_speech)
            for seed in (1, 2)]  # fmt: skip
    rows = [f.result() for f in pair]
    wall = time.perf_counter() - began
    shutil.rmtree(shared, ignore_errors=True)
    return rows, wall


def _reference_seconds() -> float:
    """CPU seconds of a fixed workload (numpy FFTs and an MP3 encode of a fixed 30 s
    signal), best of three: figures from machines of different speed compare after
    scaling by it."""
    import lameenc
    import numpy as np

    from chorus.engine.encode import pcm16

    t = np.arange(30 * 44100) / 44100.0
    signal = np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 331 * t)], axis=1)
    signal *= 0.3 * (1.0 + np.sin(2 * np.pi * 0.5 * t))[:, None]
    pcm = pcm16(signal, 2)
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        for row in signal[: 1 << 20].T:
            for _ in range(8):
                np.fft.irfft(np.fft.rfft(row))
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(192)
        encoder.set_in_sample_rate(44100)
        encoder.set_channels(2)
        encoder.set_quality(7)
        encoder.encode(pcm)
        encoder.flush()
        best = min(best, time.process_time() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/out/engine"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    context = mp.get_context("spawn")

    solos = [("sung", True), ("sung", False), ("instrumental", True)]
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_warm_up) as pool:
        # Warm both workers before timing: a serving process loads its models once.
        list(pool.map(_render_job, ["instrumental"] * 2, [10.0] * 2, [1, 2],
                      [str(args.out / f"warm{i}") for i in range(2)]))  # fmt: skip
        solo: dict[tuple[str, bool], list[dict[str, Any]]] = {case: [] for case in solos}
        tasks: dict[bool, list[tuple[list[dict[str, Any]], float]]] = {True: [], False: []}
        for r in range(args.repeat):
            for kind, listened in solos:
                solo[(kind, listened)].append(pool.submit(
                    _render_job, kind, args.duration, 7 + r, str(args.out / f"{kind}-solo"),
                    listened=listened).result())  # fmt: skip
            for listened in (True, False):
                tasks[listened].append(_task(pool, args.out, args.duration, r, listened=listened))
        # The same lyrics again: the first run makes sure the machine's cache holds them.
        again = [_task(pool, args.out, args.duration, r, listened=False, kept_speech=True)
                 for r in range(args.repeat + 1)][1:]  # fmt: skip

    print(f"engine benchmark: {args.duration:g} s songs, 44.1 kHz stereo, 2 render processes, "
          f"median of {args.repeat}; this machine's reference workload: "
          f"{_reference_seconds():.3f} CPU-s")  # fmt: skip
    print(f"{'render':<24}{'CPU-s':>8}{'wall-s':>8}{'CPU-s/min':>11}{'1st audio':>11}"
          f"{'peak MB':>9}")  # fmt: skip
    rows = [_median_row(solo[case]) for case in solos]
    rows += [_median_row([pair[i] for pair, _ in tasks[True]]) for i in (0, 1)]
    for row in rows:
        first = f"{row['first_audio_s']:11.2f}" if "listened" in row["kind"] else f"{'-':>11}"
        print(f"{row['kind']:<24}{row['cpu_s']:8.2f}{row['wall_s']:8.2f}"
              f"{_per_minute(row['cpu_s'], row['audio_s']):11.2f}{first}"
              f"{row['peak_rss_mb']:9.0f}")  # fmt: skip
    walls = [wall for _, wall in tasks[True]]
    print(f"two {args.duration:g} s sung clips side by side (listened): "
          f"{statistics.median(walls):.2f} s wall (runs: "
          + ", ".join(f"{w:.2f}" for w in walls) + ")")  # fmt: skip
    cases = [("both listened", tasks[True]), ("unheard", tasks[False]),
             ("unheard, its lyrics sung before on this machine", again)]  # fmt: skip
    for case, runs in cases:
        cpus = [sum(p["cpu_s"] for p in pair) for pair, _ in runs]
        audio = statistics.median(sum(p["audio_s"] for p in pair) for pair, _ in runs)
        cpu = statistics.median(cpus)
        # Other load on a shared machine only ever adds CPU time: the best run is the
        # closest to the work itself.
        print(f"a task (two sung clips sharing their speech, {case}): {cpu:.2f} CPU-s for "
              f"{audio:.0f} s of audio = {_per_minute(cpu, audio):.2f} CPU-s per minute of "
              f"audio (best run {_per_minute(min(cpus), audio):.2f})")  # fmt: skip
    for row in (rows[0], rows[2]):
        timings = row["timings"]
        voice = timings.get("voice", 0.0)
        print(f"stage seconds ({row['kind']}, solo): "
              + ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
              + f"; voice share of wall {voice / row['wall_s']:.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
