"""Finding and loading the General MIDI SoundFont, once per process.

TinySoundFont turns every sample of a font into float32 when it loads it, so the full
FluidR3 GM font (148 MB on disk) costs about 400 MB of memory. A song uses a handful of
presets, so large fonts are first cut down to the presets a score needs (see
:mod:`chorus.engine._sf2subset`); the cut font loads in a few hundred milliseconds and
weighs tens of megabytes. Loaded fonts are cached and each stem renders on a clone that
shares the sample data.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Protocol, cast

import numpy as np
from tinysoundfont import _tinysoundfont as _tsf

from chorus.engine._sf2subset import subset_sf2
from chorus.exceptions import EngineError

log = logging.getLogger(__name__)

DEBIAN_FLUID = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
# Fonts larger than this are cut to the presets a score uses before loading.
SUBSET_ABOVE_BYTES = 16 * 1024 * 1024
DRUM_BANK = 128

Preset = tuple[int, int]  # (bank, program)

_lock = threading.Lock()


class SoundFontError(EngineError):
    """No usable General MIDI SoundFont was found."""


class Synth(Protocol):
    """The parts of a TinySoundFont player the band uses."""

    def render(self, buffer: np.ndarray, mix: bool) -> None: ...
    def channel_note_on(self, channel: int, key: int, velocity: float) -> None: ...
    def channel_note_off(self, channel: int, key: int) -> None: ...
    def channel_set_preset_number(self, channel: int, number: int, drum: bool) -> None: ...


def find_soundfont() -> tuple[Path, str]:
    """Return the General MIDI SoundFont to play with and a human name for it.

    Debian's FluidR3 GM (package ``fluid-soundfont-gm``) when installed, else the small
    TimGM6mb font that ships inside the pretty-midi wheel.
    """
    if DEBIAN_FLUID.is_file():
        return DEBIAN_FLUID, "FluidR3_GM"
    bundled = Path(str(resources.files("pretty_midi").joinpath("TimGM6mb.sf2")))
    if bundled.is_file():
        return bundled, "TimGM6mb"
    raise SoundFontError("no General MIDI SoundFont found (install fluid-soundfont-gm)")


def soundfont_name(path: Path) -> str:
    """A human name for a SoundFont file (its file name without extension)."""
    return path.stem


@functools.lru_cache(maxsize=4)
def _load_whole(path: str) -> _tsf.SoundFont:
    return _tsf.SoundFont(path)


# Each cut font holds its samples as float32 (a piano alone is ~100 MB): keeping a couple
# serves a worker that alternates between styles without letting memory grow with every
# new combination of instruments.
@functools.lru_cache(maxsize=2)
def _load_subset(path: str, presets: frozenset[Preset]) -> _tsf.SoundFont:
    return _tsf.SoundFont(subset_sf2(Path(path), sorted(presets)))


def load_soundfont(path: Path, presets: Iterable[Preset]) -> _tsf.SoundFont:
    """A loaded SoundFont holding at least ``presets`` (``(bank, program)`` pairs).

    The result is shared: callers render on ``_tsf.SoundFont(result)`` clones.
    """
    wanted = frozenset(presets)
    with _lock:
        if path.stat().st_size <= SUBSET_ABOVE_BYTES:
            return _load_whole(str(path))
        try:
            return _load_subset(str(path), wanted)
        except (ValueError, OSError, RuntimeError) as exc:
            # A font the subsetter does not understand still plays, only heavier.
            log.warning("could not cut SoundFont %s (%s); loading it whole", path, exc)
            return _load_whole(str(path))


_high_shares: dict[tuple[str, Preset, int, int], float] = {}


def high_share(path: Path, font: _tsf.SoundFont, preset: Preset, key: int, sr: int) -> float:
    """The share of its energy that ``preset`` of ``font`` (loaded from ``path``) puts
    above a quarter of ``sr`` when it plays ``key``: a test note held half a second and
    let go, at ``sr`` Hz. Remembered per font, preset, key and rate."""
    wanted = (str(path), preset, int(key), int(sr))
    with _lock:
        known = _high_shares.get(wanted)
    if known is not None:
        return known
    player = clone(font, sr, 0.0, 16)
    drum = preset[0] == DRUM_BANK
    player.channel_set_preset_number(0, preset[1], drum)
    audio = np.zeros((round(0.8 * sr), 2), dtype=np.float32)
    held = round(0.5 * sr)
    player.channel_note_on(0, int(min(max(key, 0), 127)), 0.8)
    player.render(audio[:held], False)
    player.channel_note_off(0, int(min(max(key, 0), 127)))
    player.render(audio[held:], False)
    power = np.square(np.abs(np.fft.rfft(audio.mean(axis=1))))
    freqs = np.fft.rfftfreq(len(audio), 1.0 / sr)
    total = float(power.sum())
    share = float(power[freqs > sr / 4].sum()) / total if total > 0 else 0.0
    with _lock:
        _high_shares[wanted] = share
    return share


def clone(font: _tsf.SoundFont, sr: int, gain_db: float, max_voices: int) -> Synth:
    """An independent player on ``font``'s samples (voices and channels of its own)."""
    player = _tsf.SoundFont(font)
    player.set_output(_tsf.OutputMode.StereoInterleaved, sr, gain_db)
    player.set_max_voices(max_voices)
    return cast(Synth, player)
