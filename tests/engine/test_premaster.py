"""The premaster on disk: what is appended reads back exactly, with its block peaks and
level, and mastering it a stretch at a time equals mastering it in memory."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest

from chorus.engine._loudness import block_sample_peaks
from chorus.engine._master import BLOCK, apply_fades, finish_master, plan_master
from chorus.engine._premaster import Premaster
from chorus.engine.mix import LoudnessMeter

SR = 22050


def _song(seconds: float, seed: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SR)) / SR
    tone = np.sin(2 * np.pi * 110 * t) * (0.4 + 0.3 * np.sin(2 * np.pi * 0.3 * t))
    hits = (rng.random(t.size) < 0.0005) * rng.uniform(1.0, 3.0, t.size)
    mono = tone + np.convolve(hits, np.exp(-np.arange(200) / 30.0))[: t.size]
    return np.stack([mono, 0.8 * mono], axis=1).astype(np.float32)


@pytest.mark.parametrize("sizes", [[1000], [31, 33, 1, 5000, 64, 7], [BLOCK * 10, BLOCK, 3]])
def test_appended_chunks_read_back_with_their_peaks_and_level(
    tmp_path: Path, sizes: list[int]
) -> None:
    song = _song(sum(sizes) / SR + 0.01)[: sum(sizes)]
    with contextlib.closing(Premaster(tmp_path / ".premaster.f32", 2, BLOCK)) as premaster:
        at = 0
        for size in sizes:
            premaster.append(song[at : at + size])
            at += size
        assert len(premaster) == len(song)
        np.testing.assert_array_equal(premaster.read(0, len(song)), song)
        np.testing.assert_array_equal(premaster.read(17, 900), song[17:900])
        # Reads past either end give what is there.
        assert premaster.read(len(song) - 5, len(song) + 100).shape == (5, 2)
        assert premaster.read(-10, 3).shape == (3, 2)
        stretch = premaster.read(0, 10)
        stretch *= 2.0  # a read is the caller's own array
        np.testing.assert_array_equal(premaster.read(0, 10), song[:10])
        np.testing.assert_array_equal(premaster.block_peaks(), block_sample_peaks(song, BLOCK))
        assert premaster.rms() == pytest.approx(float(np.sqrt(np.mean(song**2))), rel=1e-6)
    assert not (tmp_path / ".premaster.f32").exists()


def test_mastering_from_disk_a_stretch_at_a_time_equals_mastering_in_memory(
    tmp_path: Path,
) -> None:
    song = _song(20.0) * np.float32(3.0)
    apply_fades(song, 0, len(song), SR)
    meter = LoudnessMeter(SR, 2, fine=BLOCK)
    meter.add(song)
    in_memory = song.copy()
    finish_master(in_memory, SR, meter, -14.0, -1.0)
    with contextlib.closing(Premaster(tmp_path / "p.f32", 2, BLOCK)) as premaster:
        for a in range(0, len(song), 4999):
            premaster.append(song[a : a + 4999])
        plan = plan_master(
            premaster, premaster.block_peaks(), SR, meter, target_lufs=-14.0, ceiling_dbtp=-1.0
        )
        pieces = []
        for a in range(0, len(song), 7000):
            stretch = premaster.read(a, a + 7000)
            plan.apply(stretch, a)
            pieces.append(stretch)
    np.testing.assert_allclose(np.concatenate(pieces), in_memory, atol=1e-6)
