"""From a song request to finished files, section by section.

``render_song`` composes the score, then renders it in short chunks (band, voice, mix)
appending each, once someone listens, to a growing ``stream.mp3`` so the listener hears
the first seconds long before the song is done; then it masters the whole song exactly
and writes the final files. Progress goes to the caller's callback after every stage.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from chorus.engine import timing
from chorus.engine._files import atomic_write_json
from chorus.engine._premaster import Premaster
from chorus.engine._stems import StemFiles, stem_files
from chorus.engine.compose import compose
from chorus.engine.cover import make_cover
from chorus.engine.encode import Mp3StreamWriter, pcm16
from chorus.engine.instruments import BandRenderer, find_soundfont
from chorus.engine.midi import write_midi
from chorus.engine.mix import (
    MASTER_BLOCK,
    LoudnessMeter,
    Mixer,
    apply_fades,
    plan_master,
    preview_master,
    provisional_gain,
)
from chorus.engine.progress import ProgressFn, RenderProgress, RenderResult
from chorus.engine.request import SongRequest
from chorus.engine.score import Score
from chorus.engine.video import VideoWriter
from chorus.engine.voice import SpeechStore, render_vocals

SAMPLE_RATE = 44100
# Chunks stay short so the first audio is playable quickly and progress moves smoothly;
# they end only where no sung note is sounding, since the voice renders whole notes.
MAX_CHUNK_S = 6.0
ENCODE_SAMPLES = 1 << 17  # final encoding works on about 3 s at a time
TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
# MP3 encoding lifts true peaks (measured up to 0.75 dB on dense EDM at LAME quality 7,
# 0.47 dB at 5): the master stays this far under the ceiling so the MP3 itself keeps it.
CODEC_HEADROOM_DB = 1.0
KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Where a render keeps the stems and the premaster while it makes them (hidden, never
# served).
STEMS_WORK = ".stems"
PREMASTER_WORK = ".premaster.f32"

# Share of the whole render each phase takes, for the progress fraction.
_COMPOSE_DONE = 0.02
_SECTIONS_DONE = 0.86
_FINISH_STEPS = {"master": 0.90, "cover": 0.91, "encode": 0.95, "files": 0.99}


def render_song(
    request: SongRequest,
    out_dir: Path,
    on_progress: ProgressFn | None = None,
    *,
    shared_dir: Path | None = None,
    stream: bool | Callable[[], bool] = True,
) -> RenderResult:
    """Render ``request`` into ``out_dir``.

    Parameters
    ----------
    request: the validated song request.
    out_dir: folder for the clip's files (created if missing). While rendering it holds a
        growing ``stream.mp3``; at the end ``song.mp3``, ``cover.jpg``, ``cover_small.jpg``,
        ``video.mp4``, ``song.mid``, ``lyrics.json``, ``score.json``, ``summary.json`` and,
        when ``request.stems``, ``stems/{vocals,drums,bass,other}.wav``.
    on_progress: called with a :class:`RenderProgress` after each stage and chunk.
    shared_dir: a folder that the renders of the same lyrics (the clips of one task, in
        other processes, at the same time) share: each line's speech is made by one of
        them and read by the others. None: everything is made here.
    stream: whether to write the growing ``stream.mp3``: always (True), never (False), or
        from the first section after the callable first answers True (someone listens):
        it then starts with everything made so far, so a late listener still hears the
        song from its beginning, and a stream nobody asks for costs nothing.

    A render runs on one core (plus ffmpeg's for the video): the numerical libraries'
    thread pools are held to one thread meanwhile, since several renders side by side use
    the cores better than one render's threads, which mostly wait on each other.
    """
    with (
        threadpool_limits(limits=1),
        stem_files(out_dir / STEMS_WORK, request.stems) as stems,
        contextlib.closing(Premaster(out_dir / PREMASTER_WORK, 2, MASTER_BLOCK)) as premaster,
    ):
        return _render(request, out_dir, on_progress, shared_dir=shared_dir, stream=stream,
                       stems=stems, premaster=premaster)  # fmt: skip


def _render(
    request: SongRequest,
    out_dir: Path,
    on_progress: ProgressFn | None,
    *,
    shared_dir: Path | None,
    stream: bool | Callable[[], bool],
    stems: StemFiles | None,
    premaster: Premaster,
) -> RenderResult:
    report = on_progress or (lambda _progress: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = timing.StageClock()

    with clock.stage("compose"):
        score = compose(request)
        score.save(out_dir / "score.json")
    report(RenderProgress(_COMPOSE_DONE, "compose"))

    store = SpeechStore(shared_dir / "speech") if shared_dir is not None else None
    soundfont, soundfont_name = find_soundfont()
    with clock.stage("band"):
        band = BandRenderer(score, sr=SAMPLE_RATE, soundfont=soundfont)
        mixer = Mixer(score, SAMPLE_RATE)
    bounds = list(chunk_bounds(score, MAX_CHUNK_S))
    lengths = [round((end - start) * SAMPLE_RATE) for start, end in bounds]
    total = sum(lengths)
    meter = LoudnessMeter(SAMPLE_RATE, 2, fine=MASTER_BLOCK)
    gain = 1.0
    with _LiveStream(out_dir / "stream.mp3", stream) as live:
        for index, ((start, end), n) in enumerate(zip(bounds, lengths, strict=True)):
            with clock.stage("band"):
                band_stems = {str(k): v for k, v in band.render(start, end).items()}
            with clock.stage("voice"):
                vocals = (
                    render_vocals(score, start, end, SAMPLE_RATE, store) if score.vocal else None
                )
            with clock.stage("mix"):
                chunk = mixer.mix(band_stems, vocals)
                apply_fades(chunk, len(premaster), total, SAMPLE_RATE)
                meter.add(chunk)
                premaster.append(chunk)
                if index == 0:
                    gain = provisional_gain(chunk, SAMPLE_RATE)
                if stems is not None:
                    stems.add(band_stems, vocals, n)
                del band_stems, vocals
            with clock.stage("stream"):
                live.offer(premaster, gain)
            fraction = _COMPOSE_DONE + (_SECTIONS_DONE - _COMPOSE_DONE) * end / score.duration
            report(RenderProgress(fraction, "render", audio_seconds=end))

    with clock.stage("master"):
        plan = plan_master(premaster, premaster.block_peaks(), SAMPLE_RATE, meter,
                           target_lufs=TARGET_LUFS,
                           ceiling_dbtp=CEILING_DBTP - CODEC_HEADROOM_DB)  # fmt: skip
    report(RenderProgress(_FINISH_STEPS["master"], "master", score.duration))
    with clock.stage("cover"):
        make_cover(score, out_dir / "cover.jpg", out_dir / "cover_small.jpg")
    report(RenderProgress(_FINISH_STEPS["cover"], "cover", score.duration))
    # One pass over the master feeds one ffmpeg, which encodes the MP3 and the video (AAC +
    # H.264) on the other core while this one goes on with the stems and the MIDI.
    encoder = VideoWriter(out_dir / "cover.jpg", out_dir / "video.mp4", SAMPLE_RATE, 2,
                          total / SAMPLE_RATE, mp3=out_dir / "song.mp3")  # fmt: skip
    try:
        with clock.stage("encode"):
            squares = 0.0
            for a in range(0, total, ENCODE_SAMPLES):
                stretch = premaster.read(a, a + ENCODE_SAMPLES)
                plan.apply(stretch, a)
                encoder.write(pcm16(stretch, 2))
                if stems is not None:
                    squares += float(np.dot(stretch.ravel(), stretch.ravel()))
            if stems is not None:
                # Stems sum to about the song: scaled as the master was, overall.
                mastered = math.sqrt(squares / max(2 * total, 1))
                scale = mastered / premaster.rms() if premaster.rms() else 1.0
                stems.finish(out_dir / "stems", scale, SAMPLE_RATE)
            write_midi(score, out_dir / "song.mid")
        report(RenderProgress(_FINISH_STEPS["encode"], "encode", score.duration))
        with clock.stage("files"):
            encoder.close()
    except BaseException:
        encoder.abort()
        raise
    report(RenderProgress(_FINISH_STEPS["files"], "files", score.duration))

    atomic_write_json(out_dir / "lyrics.json", lyrics_timing(score))
    summary = summarize(score, total / SAMPLE_RATE, soundfont_name, clock.seconds)
    atomic_write_json(out_dir / "summary.json", summary)
    report(RenderProgress(1.0, "done", score.duration))
    return RenderResult(out_dir=out_dir, summary=summary)


class _LiveStream:
    """The growing ``stream.mp3``, provisionally mastered, opened the first time
    ``wanted()`` says so; from then on each :meth:`offer` appends what is new."""

    def __init__(self, path: Path, wanted: bool | Callable[[], bool]) -> None:
        self.path = path
        self._wanted = wanted if callable(wanted) else (lambda: bool(wanted))
        self._writer: Mp3StreamWriter | None = None
        self._written = 0

    def offer(self, song: Premaster, gain: float) -> None:
        """``song`` is the premaster made so far; ``gain`` the stream's provisional one."""
        if self._writer is None:
            if not self._wanted():
                return
            self._writer = Mp3StreamWriter(self.path, sr=SAMPLE_RATE)
        for a in range(self._written, len(song), ENCODE_SAMPLES):
            self._writer.write(preview_master(song.read(a, a + ENCODE_SAMPLES), gain))
        self._written = len(song)

    def __enter__(self) -> _LiveStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._writer is not None:
            self._writer.close()


def chunk_bounds(score: Score, max_len: float) -> Iterator[tuple[float, float]]:
    """Split the song into consecutive ``(start, end)`` ranges of at most about
    ``max_len`` seconds, cut at section joins and at bar lines where no sung note sounds."""
    sung = np.array([(n.start, n.end) for n in score.vocal], dtype=np.float64).reshape(-1, 2)
    bar = score.bar_seconds
    for section in score.sections:
        start = section.start
        while section.end - start > max_len + 1e-6:
            cut = _free_cut(sung, start, section.end, max_len, bar)
            if cut is None:
                break
            yield start, cut
            start = cut
        yield start, section.end


def _free_cut(
    sung: np.ndarray, start: float, end: float, max_len: float, bar: float
) -> float | None:
    """The latest bar line in (start, start+max_len] that no sung note (a row of
    ``sung``: start, end) crosses, else the earliest one after that; None when no free
    bar line exists before ``end``."""
    candidates = np.arange(start + bar, end - 1e-6, bar)
    crossed = (sung[None, :, 0] < candidates[:, None]) & (candidates[:, None] < sung[None, :, 1])
    free = candidates[~crossed.any(axis=1)]
    if not free.size:
        return None
    within = free[free - start <= max_len + 1e-6]
    return float(within[-1] if within.size else free[0])


def lyrics_timing(score: Score) -> dict[str, Any]:
    """Every sung word with its start and end in seconds, by section and line."""
    words: list[dict[str, Any]] = []
    for note in sorted(score.vocal, key=lambda n: (n.word_index, n.syllable_index)):
        if words and words[-1]["index"] == note.word_index:
            words[-1]["end_s"] = round(note.end, 3)
            continue
        words.append(
            {
                "index": note.word_index,
                "word": note.word,
                "start_s": round(note.start, 3),
                "end_s": round(note.end, 3),
                "section": note.section_index,
                "line": note.line_index,
            }
        )
    sections = []
    for index, section in enumerate(score.sections):
        own = [w for w in words if w["section"] == index]
        lines: dict[int, list[dict[str, Any]]] = {}
        for word in own:
            lines.setdefault(word["line"], []).append(word)
        sections.append(
            {
                "label": section.label,
                "kind": section.kind,
                "start_s": round(section.start, 3),
                "end_s": round(section.end, 3),
                "lines": [
                    {
                        "text": " ".join(w["word"] for w in line_words)
                        if score.language == "en"
                        else "".join(w["word"] for w in line_words),
                        "start_s": line_words[0]["start_s"],
                        "end_s": line_words[-1]["end_s"],
                        "words": line_words,
                    }
                    for _, line_words in sorted(lines.items())
                ],
            }
        )
    return {"language": score.language, "words": words, "sections": sections}


def summarize(
    score: Score, duration: float, soundfont: str, timings: dict[str, float]
) -> dict[str, Any]:
    """The facts about a rendered song that callers show or store."""
    return {
        "title": score.title,
        "tags": score.tags,
        "genre": score.genre,
        "mood": score.mood,
        "duration": round(duration, 3),
        "tempo": round(score.tempo, 2),
        "meter": score.meter,
        "key": f"{KEY_NAMES[score.key % 12]} {score.mode}",
        "voice": score.voice,
        "language": score.language,
        "seed": score.seed,
        "continued_at": score.continued_at,
        "instrumental": not score.vocal,
        "lyrics_truncated": bool(score.extra.get("lyrics_truncated", False)),
        "sections": [
            {
                "label": s.label,
                "kind": s.kind,
                "start_s": round(s.start, 3),
                "end_s": round(s.end, 3),
            }
            for s in score.sections
        ],
        "soundfont": soundfont,
        "timings": {stage: round(seconds, 4) for stage, seconds in timings.items()},
        "rendered_at": int(time.time()),
    }
