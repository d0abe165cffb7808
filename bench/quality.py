"""Render quality over a fixed set of requests: loudness, true peak, and the voice.

For each of the 8 requests in ``bench/quality_requests.json`` (8 styles, sung, 35-55 s,
English and one Chinese) it renders the song with stems and prints the style, the
integrated loudness of ``song.mp3`` by pyloudnorm (an independent meter) and by ours,
its true peak, whether any decoded sample clips, the largest jump at a chunk join against
the song's ordinary sample steps, and the vocal stem's pitch accuracy and sung-word
intelligibility (English only: the recognizer is en-US), measured with the functions of
``bench/intelligibility.py``. Targets: -14 +-1 LUFS, true peak <= -1 dBTP.

Run: ``.venv/bin/python bench/quality.py [--out bench/out/quality] [--no-asr]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm
import soundfile

sys.path.insert(0, str(Path(__file__).parent))

from chorus.engine.encode import decode_audio
from chorus.engine.mix import loudness_lufs, true_peak_dbtp
from chorus.engine.render import MAX_CHUNK_S, chunk_bounds, render_song
from chorus.engine.request import SongRequest
from chorus.engine.score import Score
from intelligibility import intelligibility, pitch_accuracy

REQUESTS = Path(__file__).with_name("quality_requests.json")


def join_click_ratio(audio: np.ndarray, sr: int, score: Score) -> float:
    """Largest sample step at a chunk join over the 99.9th percentile of all steps
    (about 1 or below when the joins are as smooth as the music around them)."""
    steps = np.abs(np.diff(audio.mean(axis=1)))
    ordinary = float(np.percentile(steps, 99.9)) or 1e-9
    joins = [round(end * sr) for _, end in chunk_bounds(score, MAX_CHUNK_S)][:-1]
    worst = max((float(steps[j - 2 : j + 2].max()) for j in joins if 2 <= j < len(steps) - 2),
                default=0.0)  # fmt: skip
    return worst / ordinary


def measure(fields: dict[str, Any], out: Path, asr: bool) -> dict[str, Any]:
    result = render_song(SongRequest(**fields, stems=True), out)
    audio, sr = decode_audio(result.mp3)
    score = Score.load(result.score)
    vocals, vsr = soundfile.read(result.stems_dir / "vocals.wav", dtype="float32")
    voice = vocals[:, 0] if vocals.ndim == 2 else vocals
    english = score.language == "en"
    return {
        "genre": score.genre,
        "language": score.language,
        "pyloudnorm": pyloudnorm.Meter(sr).integrated_loudness(audio.astype(np.float64)),
        "lufs": loudness_lufs(audio, sr),
        "dbtp": true_peak_dbtp(audio, sr),
        "clipped": int(np.sum(np.abs(audio) >= 1.0)),
        "join": join_click_ratio(audio, sr, score),
        "pitch": pitch_accuracy(score, voice) if vsr == 44100 and score.vocal else float("nan"),
        "words": intelligibility(score, voice) if asr and english and score.vocal else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench/out/quality"))
    parser.add_argument("--no-asr", action="store_true", help="skip speech recognition")
    args = parser.parse_args()
    requests = json.loads(REQUESTS.read_text(encoding="utf-8"))
    print(f"{'genre':<16}{'lang':>5}{'pyln LUFS':>10}{'LUFS':>8}{'dBTP':>7}{'clip':>6}"
          f"{'join':>6}{'pitch':>7}{'words':>7}")  # fmt: skip
    for i, fields in enumerate(requests):
        row = measure(fields, args.out / f"q{i}", not args.no_asr)
        print(f"{row['genre']:<16}{row['language']:>5}{row['pyloudnorm']:10.2f}{row['lufs']:8.2f}"
              f"{row['dbtp']:7.2f}{row['clipped']:6d}{row['join']:6.2f}{row['pitch']:7.0%}"
              f"{row['words']:7.0%}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
