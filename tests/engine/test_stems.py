"""Stems kept on disk while a song is made, then written as WAVs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from chorus.engine._stems import PEAK_LIMIT, STEMS, StemFiles


def _sections(rng: np.random.Generator) -> list[tuple[dict[str, np.ndarray], np.ndarray | None]]:
    out = []
    for n, sung in ((1000, True), (2500, False), (777, True)):
        band = {name: (0.2 * rng.standard_normal((n, 2))).astype(np.float32)
                for name in ("drums", "bass")}  # fmt: skip
        out.append((band, (0.1 * rng.standard_normal(n)).astype(np.float32) if sung else None))
    return out


def test_stems_are_the_sections_joined_and_scaled(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    sections = _sections(rng)
    stems = StemFiles(tmp_path / ".work")
    for band, vocals in sections:
        stems.add(band, vocals, len(next(iter(band.values()))))
    stems.finish(tmp_path / "stems", 0.5, 22050)
    assert not (tmp_path / ".work").exists()
    for name in STEMS:
        audio, sr = soundfile.read(tmp_path / "stems" / f"{name}.wav", dtype="float32")
        assert sr == 22050 and audio.shape == (4277, 2)
        if name == "other":  # not played: silence
            assert not audio.any()
            continue
        if name == "vocals":
            silent = [np.zeros((len(b["drums"]), 2)) for b, _ in sections]
            parts = [quiet if v is None else np.repeat(v[:, None], 2, axis=1)
                     for quiet, (_, v) in zip(silent, sections, strict=True)]  # fmt: skip
        else:
            parts = [b[name] for b, _ in sections]
        want = 0.5 * np.concatenate(parts)
        np.testing.assert_allclose(audio, want, atol=1.5 / 32768)


def test_a_loud_stem_is_brought_under_the_limit_alone(tmp_path: Path) -> None:
    stems = StemFiles(tmp_path / ".work")
    loud = np.full((100, 2), 0.8, dtype=np.float32)
    stems.add({"drums": loud, "bass": 0.1 * loud}, None, 100)
    stems.finish(tmp_path / "stems", 2.0, 44100)
    drums, _ = soundfile.read(tmp_path / "stems" / "drums.wav", dtype="float32")
    bass, _ = soundfile.read(tmp_path / "stems" / "bass.wav", dtype="float32")
    assert float(np.abs(drums).max()) == pytest.approx(PEAK_LIMIT, abs=1e-4)
    assert float(np.abs(bass).max()) == pytest.approx(0.16, abs=1e-4)


def test_discarded_stems_leave_nothing(tmp_path: Path) -> None:
    stems = StemFiles(tmp_path / ".work")
    stems.add({}, np.ones(10, dtype=np.float32), 10)
    stems.discard()
    assert not (tmp_path / ".work").exists()
