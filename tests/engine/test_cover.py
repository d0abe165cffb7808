"""Cover art: real images, checked for size, variety and robustness."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from _factories import band_score
from PIL import Image

from chorus.engine import cover
from chorus.engine.cover import make_cover
from chorus.engine.score import Score


def _cover(tmp_path: Path, score: Score, name: str) -> tuple[np.ndarray, np.ndarray]:
    large, small = tmp_path / f"{name}.jpg", tmp_path / f"{name}_small.jpg"
    make_cover(score, large, small)
    images = []
    for path, size in ((large, 1024), (small, 512)):
        with Image.open(path) as img:
            assert img.format == "JPEG"
            assert img.size == (size, size)
            images.append(np.asarray(img.convert("RGB"), dtype=np.float32))
    return images[0], images[1]


def test_cover_sizes_and_atomic_files(tmp_path: Path) -> None:
    _cover(tmp_path, band_score(), "cover")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cover.jpg", "cover_small.jpg"]


def test_covers_differ_per_song_and_repeat_per_seed(tmp_path: Path) -> None:
    a, _ = _cover(tmp_path, band_score(seed=1), "a")
    b, _ = _cover(tmp_path, band_score(seed=2), "b")
    again, _ = _cover(tmp_path, band_score(seed=1), "again")
    assert np.abs(a - b).mean() > 10.0
    assert np.abs(a - again).mean() < 1.0


def test_title_is_written(tmp_path: Path) -> None:
    def text_pixels(title: str) -> tuple[int, int]:
        large, _ = _cover(tmp_path, band_score(title=title, tags=""), "t")
        # Light text on a darkened caption band: near-white pixels are lettering.
        bright = large.min(axis=2) > 200
        return int(bright[: 1024 // 2].sum()), int(bright[1024 // 2 :].sum())

    top_short, short = text_pixels("A")
    top_long, long = text_pixels("A Much Longer Title Here")
    assert long > 2 * short > 0
    assert long > 1000
    assert top_short == top_long == 0


@pytest.mark.parametrize(
    "title",
    ["你好世界", "夜空中最亮的星 — Night Sky", "Ünïcödé ✓ 🎵", "", "x" * 200],
)
def test_unusual_titles_do_not_break_the_cover(tmp_path: Path, title: str) -> None:
    large, small = _cover(tmp_path, band_score(title=title), "t")
    assert large.std() > 5.0 and small.std() > 5.0


def test_palette_follows_the_mood(tmp_path: Path) -> None:
    def brightness(mood: str) -> float:
        values = []
        for seed in range(3):
            score = replace(band_score(seed=seed), mood=mood)
            large, _ = _cover(tmp_path, score, f"{mood}{seed}")
            values.append(float(large[: 1024 // 2].mean()))
        return float(np.mean(values))

    assert brightness("happy") > brightness("dark") + 15


def test_chinese_titles_are_drawn_in_chinese_where_a_cjk_font_is_installed() -> None:
    # scripts/setup installs Debian's fonts-wqy-microhei.
    assert cover._font_files()[1] is not None
    shown, font = cover._drawable("星空下的歌", 60)
    assert shown == "星空下的歌"
    assert cover._has_glyphs(font, shown)


def test_chinese_titles_fall_back_to_pinyin_without_a_cjk_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    latin, _ = cover._font_files()
    monkeypatch.setattr(cover, "_font_files", lambda: (latin, None))
    shown, _ = cover._drawable("星空", 60)
    assert shown == "xīng kōng"
