"""Offline speech recognition for the intelligibility benchmark (pocketsphinx, en-US)."""

from __future__ import annotations

import re
from functools import lru_cache
from math import gcd

import numpy as np
from scipy.signal import resample_poly

ASR_RATE = 16_000


@lru_cache(maxsize=1)
def _decoder() -> object:
    from pocketsphinx import Decoder, set_loglevel

    set_loglevel("FATAL")
    return Decoder(loglevel="FATAL")


def to_16k(audio: np.ndarray, sr: int) -> np.ndarray:
    """Resample mono float audio at ``sr`` Hz to 16 kHz."""
    g = gcd(ASR_RATE, sr)
    return np.asarray(resample_poly(audio, ASR_RATE // g, sr // g), dtype=np.float32)


def recognize(audio: np.ndarray, sr: int) -> list[str]:
    """Words pocketsphinx hears in one utterance of mono float audio at ``sr`` Hz."""
    x = to_16k(audio, sr)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak < 1e-6:
        return []
    pcm = (x / peak * 0.7 * 32767).astype(np.int16)
    dec = _decoder()
    dec.start_utt()  # type: ignore[attr-defined]
    dec.process_raw(pcm.tobytes(), full_utt=True)  # type: ignore[attr-defined]
    dec.end_utt()  # type: ignore[attr-defined]
    hyp = dec.hyp()  # type: ignore[attr-defined]
    return normalize(hyp.hypstr if hyp is not None else "")


def normalize(text: str) -> list[str]:
    """Lower-case words without punctuation or pocketsphinx alternates like ``the(2)``."""
    text = re.sub(r"\(\d+\)", "", text.lower())
    return re.findall(r"[a-z']+", text)


def matched_words(reference: list[str], hypothesis: list[str]) -> int:
    """Reference words found in order in the hypothesis (longest common subsequence)."""
    n, m = len(reference), len(hypothesis)
    row = [0] * (m + 1)
    for i in range(n):
        prev = 0
        for j in range(m):
            cur = row[j + 1]
            row[j + 1] = prev + 1 if reference[i] == hypothesis[j] else max(row[j + 1], row[j])
            prev = cur
    return row[m]
