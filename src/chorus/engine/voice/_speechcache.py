"""Spoken lines kept on this machine from one song to the next.

The same lyrics are often sung again: a request repeated with other seeds or styles, a
song extended, a chorus reused. What the neural voice says for a line depends only on the
voice and the line's phonemes (its noise is fixed, see :mod:`chorus.engine.voice._piper`),
so every utterance is kept as the voice made it, bit for bit, in ``cache_dir()/speech``;
a line spoken before costs a file read instead of the voice (which a process finding all
its lines there never loads), and sings exactly as it did.

The folder is bounded by ``CHORUS_SPEECH_CACHE_MB`` (default 256, about 80 songs' lyrics;
0 keeps nothing): when a new line takes it past the bound, the lines used longest ago go.
Files are written atomically, so processes sharing the folder never read half a line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from chorus.engine.voice._piper import SCALES, Singer, Speech, cache_dir, voice_id
from chorus.engine.voice._store import load_arrays, save_arrays

log = logging.getLogger(__name__)

DEFAULT_MB = 256.0
# Past the bound, lines are deleted until the folder is back under this share of it (so
# that not every new line has to delete one).
_LOW_WATER = 0.9
# Part of every line's name: change it whenever what is kept changes.
_VERSION = 2
# The folder is counted again after this many lines written by this process (other
# processes write there too); in between, this process adds up what it wrote.
_RECOUNT = 32
# Per folder: its bytes as this process last counted them plus what it wrote since, and
# how many lines it wrote.
_tally: dict[Path, tuple[int, int]] = {}


def limit_bytes() -> int:
    """The folder's bound from ``CHORUS_SPEECH_CACHE_MB`` (0: nothing is kept)."""
    raw = os.environ.get("CHORUS_SPEECH_CACHE_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MB
    except ValueError:
        log.warning("CHORUS_SPEECH_CACHE_MB=%r is not a number; using %g", raw, DEFAULT_MB)
        megabytes = DEFAULT_MB
    return max(0, int(megabytes * 1024 * 1024))


def folder() -> Path:
    return cache_dir() / "speech"


def speak(phonemes: tuple[str, ...]) -> Speech:
    """What the voice says for ``phonemes`` (see :meth:`Singer.speak`): from the folder
    when it was said before, else from the voice (and then kept)."""
    limit = limit_bytes()
    if limit == 0:
        return Singer.get().speak(phonemes)
    path = folder() / f"{_name(phonemes)}.npz"
    found = load_arrays(path)
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to go
        return Speech(
            audio=found["audio"],
            spans=tuple((int(a), int(b)) for a, b in found["spans"].reshape(-1, 2)),
            rate=int(found["rate"]),
        )
    speech = Singer.get().speak(phonemes)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        spans = np.array(speech.spans, dtype=np.int64).reshape(-1, 2)
        save_arrays(path, {"audio": speech.audio, "spans": spans, "rate": np.array(speech.rate)})
        _count(path.parent, path.stat().st_size, limit)
    return speech


def _name(phonemes: tuple[str, ...]) -> str:
    key = json.dumps([_VERSION, voice_id(), SCALES, phonemes], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _count(where: Path, written: int, limit: int) -> None:
    """Account for a line of ``written`` bytes; the folder is counted (and bounded) only
    when it may have passed ``limit`` or has not been counted for a while, so a line costs
    no listing of the folder."""
    known, writes = _tally.get(where, (-1, 0))
    writes += 1
    if known < 0 or writes % _RECOUNT == 0 or known + written > limit:
        known = _bound(where, limit)
    else:
        known += written
    _tally[where] = (known, writes)


def _bound(where: Path, limit: int) -> int:
    """Delete the lines used longest ago while the folder holds more than ``limit``;
    returns the bytes it holds then."""
    lines: list[tuple[float, int, str]] = []
    with os.scandir(where) as entries:
        for entry in entries:
            if entry.name.endswith(".npz"):
                with contextlib.suppress(FileNotFoundError):
                    stat = entry.stat()
                    lines.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _, size, _ in lines)
    if total <= limit:
        return total
    lines.sort()
    for _, size, path in lines:
        if total <= limit * _LOW_WATER:
            break
        Path(path).unlink(missing_ok=True)
        total -= size
    return total
