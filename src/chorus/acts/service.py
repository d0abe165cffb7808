"""Word timings and waveforms of clips, read from the files the engine wrote.

A finished clip has ``lyrics.json``; a clip still rendering has only its ``score.json``
(written before the first note is rendered), from which the same timings are derived,
so lyrics can follow the music while it streams. The waveform is computed once from the
final MP3 and kept beside it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from chorus.engine._files import atomic_write_json

WAVEFORM_POINTS = 200
WAVEFORM_FILE = "waveform.json"
_EMPTY: dict[str, Any] = {"aligned_words": [], "waveform_data": [], "sections": []}


def waveform(audio: np.ndarray, points: int = WAVEFORM_POINTS) -> list[float]:
    """Peak level of each of ``points`` equal slices of ``audio``, scaled so the loudest
    slice is 1.0.

    Parameters
    ----------
    audio: samples, mono ``(n,)`` or multichannel ``(n, channels)``, any scale.
    points: how many slices; fewer when the audio has fewer samples than that.
    """
    if audio.ndim > 1:
        audio = np.max(np.abs(audio), axis=1)
    magnitude = np.abs(audio.astype(np.float32, copy=False))
    if magnitude.size == 0 or points <= 0:
        return []
    slices = np.array_split(magnitude, min(points, magnitude.size))
    peaks = np.array([float(chunk.max()) for chunk in slices], dtype=np.float64)
    top = float(peaks.max())
    if top <= 0 or not math.isfinite(top):
        return [0.0] * len(peaks)
    return [round(float(value), 4) for value in peaks / top]


def _words(folder: Path) -> dict[str, Any] | None:
    lyrics = folder / "lyrics.json"
    if lyrics.is_file():
        data: dict[str, Any] = json.loads(lyrics.read_text(encoding="utf-8"))
        return data
    score_file = folder / "score.json"
    if not score_file.is_file():
        return None
    # Only clips still rendering need this (the render module pulls in the DSP stack).
    from chorus.engine.render import lyrics_timing
    from chorus.engine.score import Score

    return lyrics_timing(Score.load(score_file))


def _waveform(folder: Path) -> list[float]:
    cached = folder / WAVEFORM_FILE
    if cached.is_file():
        peaks: list[float] = json.loads(cached.read_text(encoding="utf-8"))
        return peaks
    song = folder / "song.mp3"
    if not song.is_file():
        return []
    import soundfile

    audio, _rate = soundfile.read(song, dtype="float32", always_2d=True)
    peaks = waveform(audio)
    atomic_write_json(cached, peaks)
    return peaks


def clip_timing(folder: Path, complete: bool) -> dict[str, Any]:
    """The timing answer of the clip whose files are in ``folder``: its sung words, its
    sections, and once ``complete`` its waveform. Empty lists when nothing is known yet."""
    try:
        timing = _words(folder)
    except (OSError, ValueError, KeyError, TypeError):
        # A file still being written, or of an older engine: nothing to say yet.
        timing = None
    if timing is None:
        return dict(_EMPTY)
    words = [
        {
            "word": word["word"],
            "start_s": word["start_s"],
            "end_s": word["end_s"],
            "success": True,
            "p_align": 1.0,
            "section": word.get("section"),
            "line": word.get("line"),
        }
        for word in timing.get("words", [])
    ]
    sections = [
        {"label": s["label"], "start_s": s["start_s"], "end_s": s["end_s"]}
        for s in timing.get("sections", [])
    ]
    peaks = _waveform(folder) if complete else []
    return {"aligned_words": words, "waveform_data": peaks, "sections": sections}
