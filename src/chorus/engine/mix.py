"""Mixing the stems and mastering the song.

Mixing puts the voice in the centre, clearly above the band: its level is set from the
K-weighted loudness of voice and band, the band dips a little (overall, and more in the
1-4 kHz range where speech intelligibility lives) while the voice sings, and a short
room reverb sits behind it. :class:`Mixer` carries filter states and the reverb tail from
one section to the next so a section-by-section mix joins without clicks.

Mastering brings the whole song to an exact integrated loudness (-14 LUFS by default)
with a look-ahead true-peak limiter holding peaks at -1 dBTP, and makes sure it ends in
silence. The live stream, made before the whole song exists, is mastered provisionally:
a gain guessed from the first section and a gentle memoryless soft clip.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import ndimage, signal

from chorus.engine._loudness import LoudnessMeter, k_weighting, loudness_lufs, true_peak_dbtp
from chorus.engine._master import BLOCK, MasterPlan, apply_fades, finish_master, plan_master
from chorus.engine._vocalfx import Room
from chorus.engine.score import Score

__all__ = [
    "MASTER_BLOCK",
    "LoudnessMeter",
    "MasterPlan",
    "Mixer",
    "apply_fades",
    "finish_master",
    "loudness_lufs",
    "master",
    "plan_master",
    "preview_master",
    "provisional_gain",
    "true_peak_dbtp",
]

MASTER_BLOCK = BLOCK  # a LoudnessMeter for finish_master keeps its power at this grain
BAND_STEMS = ("drums", "bass", "other")
VOCAL_OVER_BAND_DB = 3.0  # K-weighted loudness of the voice above the band while singing
MAX_VOCAL_STEP_DB = 2.0  # largest change of vocal level from one section to the next
DUCK = 0.2  # the band's broadband dip under the voice (linear, -2 dB)
PRESENCE_CUT = 0.35  # extra dip of the band's 1-4 kHz while the voice sings
ENVELOPE_S = 0.06  # smoothing of the voice envelope that drives the dips
PROVISIONAL_MARGIN_DB = 1.0


def _db(x: float) -> float:
    return float(10.0 ** (x / 20.0))


def _k_power(x: np.ndarray, sr: int) -> float:
    """Mean K-weighted power of ``x`` (a level estimate; filter start-up ignored)."""
    if not len(x):
        return 0.0
    weighted = signal.sosfilt(k_weighting(sr).astype(np.float32), x.astype(np.float32))
    return float(np.mean(np.square(weighted), dtype=np.float64))


class Mixer:
    """Mix consecutive sections of one song.

    Parameters
    ----------
    score: the song (its tempo and voice inform nothing yet but keep the door open for
        per-genre balance).
    sr: sample rate of the stems and vocals, Hz.
    """

    def __init__(self, score: Score, sr: int = 44100) -> None:
        self.score = score
        self.sr = sr
        self.vocal_gain: float | None = None
        self._activity_ref: float | None = None
        self._room = Room(sr)
        self._hp = signal.butter(2, 90.0, "highpass", fs=sr, output="sos")
        bp = signal.butter(1, (1000.0, 4000.0), "bandpass", fs=sr, output="sos")
        self._bp = bp.astype(np.float32)
        self._hp_zi = np.zeros((self._hp.shape[0], 2))
        self._bp_zi = np.zeros((self._bp.shape[0], 2, 2), dtype=np.float32)
        pole = math.exp(-1.0 / (ENVELOPE_S * sr))
        self._env_ba = ([1.0 - pole], [1.0, -pole])
        self._env_zi = np.zeros(1)

    def mix(self, stems: Mapping[str, np.ndarray], vocals: np.ndarray | None) -> np.ndarray:
        """The stereo premaster (n, 2) float32 of the next section.

        ``stems`` maps 'drums'/'bass'/'other' to stereo (n, 2) arrays (missing ones are
        silent); ``vocals`` is mono (n,) or None for an instrumental section.
        """
        n = self._length(stems, vocals)
        band = np.zeros((n, 2), dtype=np.float32)
        for name in BAND_STEMS:
            if name in stems:
                band += np.asarray(stems[name], dtype=np.float32).reshape(n, 2)
        voice = None
        if vocals is not None and np.any(vocals):
            voice = self._voice(np.asarray(vocals, dtype=np.float64).reshape(n), band)
        out = band
        if voice is not None:
            activity = self._activity(voice)
            mid, self._bp_zi = signal.sosfilt(self._bp, band, axis=0, zi=self._bp_zi)
            activity = activity.astype(np.float32)
            duck = (1.0 - np.float32(DUCK) * activity)[:, None]
            out = band * duck - (np.float32(PRESENCE_CUT) * activity)[:, None] * mid
            out += voice[:, None].astype(np.float32)
        else:
            self._bp_zi[:] = 0.0
            self._env_zi[:] = 0.0
        out = out + self._room.process(voice, n)
        return np.asarray(out, dtype=np.float32)

    def _length(self, stems: Mapping[str, np.ndarray], vocals: np.ndarray | None) -> int:
        lengths = {len(a) for name, a in stems.items() if name in BAND_STEMS}
        if vocals is not None:
            lengths.add(len(vocals))
        if len(lengths) > 1:
            raise ValueError(f"stems and vocals differ in length: {sorted(lengths)}")
        return lengths.pop() if lengths else 0

    def _voice(self, vocals: np.ndarray, band: np.ndarray) -> np.ndarray:
        """The voice high-passed and brought to its level over the band."""
        voice, zi = signal.sosfilt(self._hp, vocals, zi=self._hp_zi)
        self._hp_zi = zi
        active = np.abs(voice) > 0.05 * np.abs(voice).max()
        # Compare levels only where the voice sings (widened to whole syllables).
        active = ndimage.maximum_filter1d(active, round(0.05 * self.sr)).astype(bool)
        v_power = _k_power(voice[active], self.sr)
        # (left + right) / 2: numpy's mean across a row of two is twenty times slower.
        b_power = _k_power(((band[:, 0] + band[:, 1]) * np.float32(0.5))[active], self.sr)
        if v_power <= 0:
            return np.asarray(voice)
        if b_power > 0:
            wanted = math.sqrt(b_power / v_power) * _db(VOCAL_OVER_BAND_DB)
        else:
            # Nothing playing under the voice: sing at a fixed moderate level.
            wanted = _db(-18.0) / math.sqrt(v_power)
        previous = self.vocal_gain
        if previous is None:
            gains = np.full(len(voice), wanted)
        else:
            step = float(np.clip(20 * math.log10(wanted / previous), -MAX_VOCAL_STEP_DB,
                                 MAX_VOCAL_STEP_DB))  # fmt: skip
            wanted = previous * _db(step)
            # A ramp even in dB (geometric) from the last section's gain to this one's.
            gains = np.exp(
                np.linspace(math.log(previous), math.log(wanted), len(voice), dtype=np.float32)
            )
        self.vocal_gain = wanted
        result: np.ndarray = voice * gains
        return result

    def _activity(self, voice: np.ndarray) -> np.ndarray:
        """0..1: how much the voice is singing now (smoothed envelope, saturating)."""
        b, a = self._env_ba
        env, self._env_zi = signal.lfilter(b, a, np.abs(voice), zi=self._env_zi)
        if self._activity_ref is None:
            loud = env[env > 0.1 * env.max()]
            self._activity_ref = 0.5 * float(loud.mean()) if len(loud) else 1.0
        result: np.ndarray = np.clip(env / self._activity_ref, 0.0, 1.0)
        return result


def master(
    audio: np.ndarray, sr: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0
) -> np.ndarray:
    """The finished master of a whole song: float32, same shape as ``audio``.

    Integrated loudness ``target_lufs`` (within 0.1 LU unless the signal cannot get
    there), true peak at most ``ceiling_dbtp`` dBTP, a short fade in and a fade out to
    silence at the end. ``audio`` is (n,) or (n, channels) at ``sr`` Hz. A song made in
    chunks is better mastered with :func:`apply_fades` and a :class:`LoudnessMeter` per
    chunk, then :func:`finish_master`, which needs no second copy of the song.
    """
    x = np.array(audio, dtype=np.float32)
    apply_fades(x, 0, len(x), sr)
    meter = LoudnessMeter(sr, 1 if x.ndim == 1 else x.shape[1], fine=BLOCK)
    meter.add(x)
    finish_master(x, sr, meter, target_lufs, ceiling_dbtp)
    return x


def provisional_gain(premaster_chunk: np.ndarray, sr: int, target_lufs: float = -14.0) -> float:
    """A linear gain for the live stream, guessed from its first chunk(s) of premaster.

    Aims a little (1 dB) under ``target_lufs`` because later sections are usually louder
    than the first; bounded to +-24 dB; 1.0 for silence.
    """
    loudness = loudness_lufs(premaster_chunk, sr)
    if not math.isfinite(loudness):
        return 1.0
    gain_db = float(np.clip(target_lufs - PROVISIONAL_MARGIN_DB - loudness, -24.0, 24.0))
    return _db(gain_db)


def preview_master(chunk: np.ndarray, gain: float, ceiling_dbfs: float = -1.0) -> np.ndarray:
    """``chunk * gain`` with peaks softly rounded off below ``ceiling_dbfs``.

    Memoryless (sample by sample), so chunks processed one by one join seamlessly; it
    keeps the provisional stream from clipping until the exact master replaces it.
    """
    y = np.asarray(chunk, dtype=np.float32) * np.float32(gain)
    ceiling = _db(ceiling_dbfs)
    knee = 0.7 * ceiling
    mag = np.abs(y)
    over = mag > knee
    if np.any(over):
        room = ceiling - knee
        soft = knee + room * np.tanh((mag[over] - knee) / room)
        y[over] = np.sign(y[over]) * soft
    return y
