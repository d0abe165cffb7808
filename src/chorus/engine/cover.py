"""Cover art: an original generative picture per song, with its title and style.

The picture is drawn from the song itself: the seed and title pick the composition, the
genre and mood pick the palette (warm and bright for happy songs, cold and dark for sad
ones...). A gradient sky, soft glowing discs and layered waves, a little film grain, and
the title set in a band at the bottom. Titles in scripts the available fonts cannot draw
(Chinese without a CJK font on the machine) are written in pinyin rather than as boxes.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from chorus.engine.encode import atomic_path
from chorus.engine.score import Score

__all__ = ["make_cover"]

LARGE_PX = 1024
SMALL_PX = 512
JPEG_QUALITY = 90
ART_PX = 512  # the soft picture is drawn at this size and scaled up; text stays sharp

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
LATIN_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
CJK_FONT_HINTS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "wqy", "DroidSansFallback")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Base hue (0..1) and how saturated/bright a mood is; genres shift the hue.
MOOD_COLOURS: dict[str, tuple[float, float, float]] = {
    "happy": (0.11, 0.75, 0.95),
    "upbeat": (0.08, 0.8, 0.95),
    "energetic": (0.98, 0.85, 0.9),
    "angry": (0.0, 0.9, 0.7),
    "sad": (0.6, 0.45, 0.55),
    "melancholic": (0.66, 0.4, 0.5),
    "calm": (0.5, 0.35, 0.8),
    "chill": (0.52, 0.45, 0.75),
    "romantic": (0.93, 0.55, 0.85),
    "dark": (0.75, 0.6, 0.35),
    "dreamy": (0.78, 0.4, 0.85),
    "epic": (0.58, 0.7, 0.6),
}
GENRE_SHIFT: dict[str, float] = {
    "rock": -0.03, "punk": -0.06, "metal": -0.08, "pop": 0.05, "jazz": 0.1, "blues": 0.58,
    "folk": 0.04, "country": 0.02, "lofi": 0.45, "hip hop": 0.7, "electronic": 0.62,
    "edm": 0.7, "house": 0.66, "classical": 0.12, "ambient": 0.5, "reggae": 0.25,
    "r&b": 0.85, "soul": 0.9, "funk": 0.15,
}  # fmt: skip


def _rng(score: Score) -> np.random.Generator:
    digest = hashlib.sha256(f"{score.seed}\0{score.title}\0{score.tags}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _palette(score: Score, rng: np.random.Generator) -> list[tuple[float, float, float]]:
    """Five RGB colours (0..1): two for the sky, three for shapes."""
    mood = score.mood.lower()
    hue, sat, val = next(
        (c for word, c in MOOD_COLOURS.items() if word in mood), (rng.random(), 0.6, 0.75)
    )
    genre = score.genre.lower()
    hue += next((s for word, s in GENRE_SHIFT.items() if word in genre), 0.0)
    hue += rng.uniform(-0.05, 0.05)
    spread = rng.uniform(0.08, 0.2)
    colours = []
    for i, (dh, ds, dv) in enumerate(
        [
            (0.0, 0.0, -0.55),
            (spread, -0.1, -0.25),
            (-spread, 0.1, 0.0),
            (0.5, -0.2, 0.1),
            (2 * spread, 0.0, 0.05),
        ]
    ):
        jitter = rng.uniform(-0.03, 0.03) * (i > 1)
        colours.append(
            colorsys.hsv_to_rgb(
                (hue + dh + jitter) % 1.0,
                float(np.clip(sat + ds, 0.05, 1.0)),
                float(np.clip(val + dv, 0.05, 1.0)),
            )
        )
    return colours


def _art(score: Score, size: int) -> Image.Image:
    """The picture without text."""
    rng = _rng(score)
    colours = np.array(_palette(score, rng), dtype=np.float32)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    angle = rng.uniform(0, 2 * math.pi)
    ramp = np.clip(0.5 + (x - 0.5) * math.cos(angle) + (y - 0.5) * math.sin(angle), 0, 1)
    img = colours[0] * (1 - ramp[..., None]) + colours[1] * ramp[..., None]
    # Soft glowing discs.
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.uniform(0.1, 0.9, 2)
        radius = rng.uniform(0.12, 0.38)
        d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / radius
        glow = np.clip(1.0 - d, 0.0, 1.0) ** rng.uniform(0.6, 1.6) * rng.uniform(0.35, 0.8)
        colour = colours[int(rng.integers(2, 5))]
        img = img * (1 - glow[..., None]) + colour * glow[..., None]
    # Layered waves: each fills the picture below a sine-sum line.
    for layer in range(int(rng.integers(3, 6))):
        base = 0.45 + 0.1 * layer + rng.uniform(-0.04, 0.04)
        line = base + sum(
            rng.uniform(0.01, 0.05) * np.sin(2 * math.pi * (rng.uniform(0.5, 3.5) * x[0]
                                                            + rng.uniform(0, 1)))
            for _ in range(3)
        )  # fmt: skip
        below = np.clip((y - line[None, :]) * size / 3.0, 0.0, 1.0) * rng.uniform(0.25, 0.55)
        colour = colours[2 + layer % 3] * (0.5 + 0.12 * layer)
        img = img * (1 - below[..., None]) + np.clip(colour, 0, 1) * below[..., None]
    img += rng.normal(0.0, 0.018, img.shape[:2])[..., None].astype(np.float32)
    pixels = (np.clip(img, 0.0, 1.0) * 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


@functools.lru_cache(maxsize=1)
def _font_files() -> tuple[Path | None, Path | None]:
    """A Latin (DejaVu) font and a CJK font on this machine, if any."""
    latin = cjk = None
    for root in FONT_DIRS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.tt[fc]")) + sorted(root.rglob("*.otf")):
            if latin is None and path.name in LATIN_FONTS:
                latin = path
            if cjk is None and any(h.lower() in path.name.lower() for h in CJK_FONT_HINTS):
                cjk = path
    return latin, cjk


def _load_font(path: Path | None, size: int) -> Font:
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def _has_glyphs(font: Font, text: str) -> bool:
    """True when ``font`` draws every character of ``text`` (not its 'missing' box)."""
    missing = font.getmask("\U0010ffff")
    missing_key = (missing.size, bytes(missing))
    for ch in set(text):
        if ch.isspace():
            continue
        mask = font.getmask(ch)
        if (mask.size, bytes(mask)) == missing_key:
            return False
    return True


def _drawable(text: str, size: int) -> tuple[str, Font]:
    """``text`` (or its pinyin) and a font that draws it at ``size`` px."""
    latin, cjk = _font_files()
    font = _load_font(latin, size)
    if _has_glyphs(font, text):
        return text, font
    if cjk is not None:
        cjk_font = _load_font(cjk, size)
        if _has_glyphs(cjk_font, text):
            return text, cjk_font
    from pypinyin import Style, pinyin

    spelled = " ".join(s[0] for s in pinyin(text, style=Style.TONE, errors="default"))
    kept = "".join(ch for ch in spelled if _has_glyphs(font, ch))
    return " ".join(kept.split()) or "untitled", font


def _fit(text: str, max_px: int, size: int, min_size: int) -> tuple[list[str], Font]:
    """Wrap ``text`` on at most two lines within ``max_px``, shrinking the font to fit."""
    while True:
        shown, font = _drawable(text, size)
        words = shown.split(" ")
        lines: list[str] = []
        for word in words:
            trial = f"{lines[-1]} {word}" if lines else word
            if lines and font.getlength(trial) <= max_px:
                lines[-1] = trial
            else:
                lines.append(word)
        if (len(lines) <= 2 and all(font.getlength(ln) <= max_px for ln in lines)) or (
            size <= min_size
        ):
            if len(lines) > 2:
                lines = [*lines[:1], " ".join(lines[1:])]
            while font.getlength(lines[-1]) > max_px and len(lines[-1]) > 1:
                lines[-1] = lines[-1][:-2] + "…"
            return lines, font
        size = max(min_size, int(size * 0.85))


def _caption(img: Image.Image, title: str, style: str) -> Image.Image:
    """``img`` with a darkened band at the bottom carrying the title and style."""
    size = img.width
    margin = size // 16
    title_lines, title_font = _fit(title or "Untitled", size - 2 * margin, size // 11, size // 28)
    style_lines, style_font = _fit(style, size - 2 * margin, size // 26, size // 40)
    style_lines = style_lines[:1]
    title_h = int(size / 11 * 1.15) * len(title_lines)
    band_h = title_h + int(size / 26 * 1.6) + 2 * margin
    # A shade rising smoothly into the band, so the text reads on any picture.
    rows = np.arange(size, dtype=np.float32)
    ramp = np.clip((rows - (size - band_h - size / 20)) / (size / 10), 0.0, 1.0) * 150
    shade = Image.fromarray(np.repeat(ramp.astype(np.uint8)[:, None], size, axis=1), "L")
    out = Image.composite(Image.new("RGB", img.size, (8, 8, 12)), img, shade)
    draw = ImageDraw.Draw(out)
    y = size - band_h + margin
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=(250, 248, 240))
        y += int(size / 11 * 1.15)
    draw.text((margin, y + size // 80), style_lines[0], font=style_font, fill=(215, 215, 220))
    return out


def _style_text(score: Score) -> str:
    style = score.tags.strip() or score.genre
    return style if len(style) <= 60 else style[:59].rstrip(" ,") + "…"


def make_cover(score: Score, large: Path, small: Path) -> None:
    """Write the song's cover art: square JPEGs of 1024 px (``large``) and 512 px
    (``small``), each written atomically."""
    art = _art(score, ART_PX).resize((LARGE_PX, LARGE_PX), Image.Resampling.BICUBIC)
    cover = _caption(art, score.title, _style_text(score))
    for path, image in (
        (large, cover),
        (small, cover.resize((SMALL_PX, SMALL_PX), Image.Resampling.LANCZOS)),
    ):
        with atomic_path(path) as tmp:
            image.save(tmp, "JPEG", quality=JPEG_QUALITY)
