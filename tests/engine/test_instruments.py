"""Band synthesis, rendered for real with the SoundFont and measured."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from _factories import band_score
from tinysoundfont import _tinysoundfont as tsf

from chorus.engine._sf2subset import KeyMap, key_map, list_presets, subset_sf2
from chorus.engine._soundfont import DEBIAN_FLUID
from chorus.engine.instruments import BAND_STEMS, BandRenderer, find_soundfont
from chorus.engine.score import Note, Track

BUNDLED = Path(str(__import__("pretty_midi").__file__)).parent / "TimGM6mb.sf2"


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def test_find_soundfont_prefers_fluid_when_installed() -> None:
    path, name = find_soundfont()
    assert path.is_file()
    assert path.stat().st_size > 1_000_000
    if DEBIAN_FLUID.is_file():
        assert name == "FluidR3_GM"
    else:
        assert name == "TimGM6mb"


def test_renderer_says_which_soundfont_plays() -> None:
    renderer = BandRenderer(band_score(duration=4.0), soundfont=BUNDLED)
    assert renderer.soundfont_name == "TimGM6mb"
    assert renderer.soundfont_path == BUNDLED


@pytest.mark.parametrize("sr", [22050, 44100])
@pytest.mark.parametrize("bounds", [(0.0, 2.5), (0.0, 1.0 / 3.0), (0.0, 0.0)])
def test_stems_have_exact_length(sr: int, bounds: tuple[float, float]) -> None:
    start, end = bounds
    stems = BandRenderer(band_score(duration=4.0), sr=sr).render(start, end)
    assert set(stems) == set(BAND_STEMS)
    for audio in stems.values():
        assert audio.dtype == np.float32
        assert audio.shape == (round((end - start) * sr), 2)
        assert np.all(np.isfinite(audio))


def test_sound_where_notes_play_and_silence_where_none() -> None:
    sr = 22050
    score = band_score(duration=10.0, silent_from=5.0)
    stems = BandRenderer(score, sr=sr).render(0.0, 10.0)
    for name, audio in stems.items():
        playing = audio[round(0.5 * sr) : round(4.5 * sr)]
        tail = audio[round(8.0 * sr) :]
        assert _rms(playing) > 1e-3, name
        assert np.abs(tail).max() < 1e-3 * np.abs(playing).max(), name


def test_tracks_go_to_their_stems() -> None:
    score = band_score(duration=4.0)
    only_bass = replace(score, tracks=tuple(t for t in score.tracks if t.stem == "bass"))
    stems = BandRenderer(only_bass, sr=22050).render(0.0, 4.0)
    assert _rms(stems["bass"]) > 1e-3
    assert not stems["drums"].any()
    assert not stems["other"].any()


def test_consecutive_ranges_join_seamlessly() -> None:
    sr = 44100
    score = band_score(duration=9.0)
    whole = BandRenderer(score, sr=sr).render(0.0, 9.0)
    renderer = BandRenderer(score, sr=sr)
    cuts = [0.0, 2.37, 4.6, 6.999, 9.0]
    parts = [renderer.render(a, b) for a, b in itertools.pairwise(cuts)]
    for stem in BAND_STEMS:
        joined = np.concatenate([p[stem] for p in parts])
        assert joined.shape == whole[stem].shape
        # The same music: the synthesizer only updates envelopes per block, so split
        # renders differ by a hair, far below the signal.
        err = _rms(joined - whole[stem])
        assert err < 0.05 * _rms(whole[stem]), stem
        # No click at a join: the step across it is no larger than ordinary steps.
        steps = np.abs(np.diff(joined, axis=0)).max(axis=1)
        ordinary = np.percentile(steps, 99.9)
        for cut in cuts[1:-1]:
            i = sum(len(p[stem]) for p in parts[: cuts.index(cut)])
            assert steps[i - 1] <= 2.0 * ordinary + 1e-6, (stem, cut)


def test_note_ringing_over_a_join_continues() -> None:
    sr = 22050
    long_note = Track("pad", "other", 48, (Note(0.5, 3.0, 60, 100),))
    score = replace(band_score(duration=4.0), tracks=(long_note,))
    renderer = BandRenderer(score, sr=sr)
    first = renderer.render(0.0, 2.0)["other"]
    second = renderer.render(2.0, 4.0)["other"]
    assert _rms(first[-sr // 10 :]) > 1e-3
    assert _rms(second[: sr // 10]) > 0.5 * _rms(first[-sr // 10 :])


def test_drums_keep_the_tempo() -> None:
    sr = 22050
    tempo = 120.0
    drums = BandRenderer(band_score(duration=12.0, tempo=tempo), sr=sr).render(0.0, 12.0)["drums"]
    mono = drums.mean(axis=1)
    hop = 64
    frames = len(mono) // hop
    energy = np.square(mono[: frames * hop].reshape(frames, hop)).sum(axis=1)
    onset = np.maximum(np.diff(np.log1p(1e4 * energy)), 0.0)
    onset -= onset.mean()
    ac = np.correlate(onset, onset, mode="full")[len(onset) - 1 :]
    lags = np.arange(len(ac)) * hop / sr
    band = (lags > 60.0 / 160) & (lags < 60.0 / 80)  # one beat between 80 and 160 bpm
    best = lags[band][np.argmax(ac[band])]
    assert abs(60.0 / best - tempo) / tempo < 0.02


def test_gain_and_pan() -> None:
    sr = 22050
    notes = tuple(Note(0.2 + 0.5 * i, 0.4, 60 + i % 5, 100) for i in range(6))
    base = band_score(duration=3.5)

    def render(gain: float, pan: float) -> np.ndarray:
        track = Track("keys", "other", 0, notes, gain=gain, pan=pan)
        score = replace(base, tracks=(track,))
        return BandRenderer(score, sr=sr).render(0.0, 3.5)["other"]

    full, half = render(1.0, 0.0), render(0.5, 0.0)
    assert _rms(half) / _rms(full) == pytest.approx(0.5, rel=0.1)
    left = render(1.0, -1.0)
    assert _rms(left[:, 0]) > 10 * _rms(left[:, 1])


def test_missing_program_falls_back_and_plays() -> None:
    notes = (Note(0.1, 0.5, 38, 110), Note(0.6, 0.5, 36, 110))
    kit = Track("kit", "drums", 127, notes, is_drum=True)  # no kit 127 in GM fonts
    score = replace(band_score(duration=2.0), tracks=(kit,))
    assert _rms(BandRenderer(score, sr=22050).render(0.0, 2.0)["drums"]) > 1e-3


def test_subset_font_sounds_like_the_whole_font() -> None:
    presets = [(0, 33), (128, 0)]
    whole = tsf.SoundFont(str(BUNDLED))
    cut = tsf.SoundFont(subset_sf2(BUNDLED, presets))
    assert list_presets(BUNDLED) >= set(presets)
    outs = []
    for font in (whole, cut):
        player = tsf.SoundFont(font)
        player.set_output(tsf.OutputMode.StereoInterleaved, 22050, 0.0)
        player.channel_set_preset_number(0, 33, False)
        player.channel_set_preset_number(9, 0, True)
        player.channel_note_on(0, 40, 0.8)
        player.channel_note_on(9, 38, 0.8)
        buffer = np.zeros((22050, 2), dtype=np.float32)
        player.render(buffer, False)
        outs.append(buffer)
    assert _rms(outs[0]) > 1e-3
    np.testing.assert_allclose(outs[1], outs[0], atol=1e-6)
    assert cut.get_preset_index(0, 0) == -1  # the piano was left out


def test_subset_rejects_what_is_not_a_soundfont(tmp_path: Path) -> None:
    bogus = tmp_path / "x.sf2"
    bogus.write_bytes(b"RIFF\0\0\0\0WAVEnothing")
    with pytest.raises(ValueError, match="not a SoundFont"):
        subset_sf2(bogus, [(0, 0)])


def _spectrum_db(audio: np.ndarray, sr: int, edges: list[float]) -> np.ndarray:
    power = np.square(np.abs(np.fft.rfft(audio.mean(axis=1).astype(np.float64))))
    freqs = np.fft.rfftfreq(len(audio), 1.0 / sr)
    bands = [power[(freqs >= a) & (freqs < b)].sum() for a, b in itertools.pairwise(edges)]
    return 10 * np.log10(np.asarray(bands) + 1e-30)


def test_dull_instruments_play_at_half_rate_and_drums_never() -> None:
    sr = 44100
    renderer = BandRenderer(band_score(duration=4.0), sr=sr)
    rates = {stem: [half for _, half in banks] for stem, banks in renderer.banks.items()}
    assert rates["bass"] == [True]  # a bass has nothing above 11 kHz
    assert rates["drums"] == [False]  # cymbals do


def test_a_half_rate_track_sounds_like_the_full_rate_one(monkeypatch: pytest.MonkeyPatch) -> None:
    sr = 44100
    score = band_score(duration=6.0)
    bass_only = replace(score, tracks=tuple(t for t in score.tracks if t.stem == "bass"))
    half = BandRenderer(bass_only, sr=sr)
    assert half.banks["bass"][0][1]
    monkeypatch.setattr("chorus.engine.instruments.HALF_RATE_MAX_HIGH_SHARE", 0.0)
    full = BandRenderer(bass_only, sr=sr)
    assert not full.banks["bass"][0][1]
    a, b = half.render(0.0, 6.0)["bass"], full.render(0.0, 6.0)["bass"]
    assert _rms(a) == pytest.approx(_rms(b), rel=0.05)
    edges = [20.0, 100.0, 300.0, 1000.0, 3000.0, 8000.0]
    got, want = _spectrum_db(a, sr, edges), _spectrum_db(b, sr, edges)
    audible = want > want.max() - 40.0  # bands more than 40 dB down are not compared
    assert audible.sum() >= 3
    np.testing.assert_allclose(got[audible], want[audible], atol=1.0)
    # In time with the full-rate track: the interpolator adds no delay.
    lag = np.argmax(np.correlate(a[:sr, 0], b[100 : sr - 100, 0], mode="valid")) - 100
    assert abs(lag) <= 1


def test_half_rate_tracks_join_seamlessly_over_odd_ranges() -> None:
    sr = 44100
    score = band_score(duration=3.0)
    bass_only = replace(score, tracks=tuple(t for t in score.tracks if t.stem == "bass"))
    whole = BandRenderer(bass_only, sr=sr).render(0.0, 3.0)["bass"]
    renderer = BandRenderer(bass_only, sr=sr)
    cuts = [0.0, 1 / sr, 0.5 + 1 / sr, 1.7, 2.2 + 3 / sr, 3.0]
    joined = np.concatenate([renderer.render(a, b)["bass"] for a, b in itertools.pairwise(cuts)])
    assert joined.shape == whole.shape
    assert _rms(joined - whole) < 0.05 * _rms(whole)


def _live(track: Track, sr: int, seconds: float) -> np.ndarray:
    """The track played on one synthesizer in a single pass, every note event as it
    comes (the reference the band's note by note rendering must sound like)."""
    path, _ = find_soundfont()
    font = tsf.SoundFont(subset_sf2(path, [(128 if track.is_drum else 0, track.program)]))
    synth = tsf.SoundFont(font)
    synth.set_output(tsf.OutputMode.StereoInterleaved, sr, -6.0)
    synth.set_max_voices(256)
    channel = 9 if track.is_drum else 0
    synth.channel_set_preset_number(channel, track.program, track.is_drum)
    events: list[tuple[int, int, int, float]] = []
    by_key: dict[int, list[tuple[float, float, int]]] = {}
    for note in track.notes:
        held = max(note.duration, 3.0) if track.is_drum else note.duration
        by_key.setdefault(note.pitch, []).append((note.start, note.start + held, note.velocity))
    for key, notes in by_key.items():
        notes.sort()
        for i, (start, end, velocity) in enumerate(notes):
            stop = min(end, notes[i + 1][0]) if i + 1 < len(notes) else end
            events.append((round(start * sr), 1, key, velocity / 127.0))
            events.append((round(stop * sr), 0, key, 0.0))
    events.sort(key=lambda e: (e[0], e[1]))
    audio = np.zeros((round(seconds * sr), 2), dtype=np.float32)
    pos = 0
    for at, on, key, velocity in events:
        if at > pos:
            synth.render(audio[pos:at], False)
            pos = at
        if on:
            synth.channel_note_on(channel, key, velocity)
        else:
            synth.channel_note_off(channel, key)
    synth.render(audio[pos:], False)
    return audio


@pytest.mark.parametrize(
    "track",
    [
        # Open hi-hats cut off by closed ones (an exclusive class), kicks and snares at
        # many velocities (velocity layers in FluidR3), a crash ringing under it all.
        Track(
            "kit",
            "drums",
            0,
            (
                *(
                    Note(0.25 * i, 0.1, (46, 42, 38, 36, 44)[i % 5], 40 + (17 * i) % 88)
                    for i in range(24)
                ),
                Note(0.1, 0.1, 49, 100),
            ),
            is_drum=True,
        ),
        # A key struck again while its last note still rings, chords, varied velocities.
        Track(
            "keys",
            "other",
            0,
            tuple(
                Note(0.3 * i, 0.5, (60, 64, 67, 60)[i % 4], 50 + (29 * i) % 77) for i in range(16)
            ),
        ),
    ],
    ids=["drums", "keys"],
)
def test_the_band_sounds_like_the_synthesizer_playing_live(
    track: Track, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("chorus.engine.instruments.HALF_RATE_MAX_HIGH_SHARE", 0.0)
    sr, seconds = 44100, 9.0
    score = replace(band_score(duration=seconds), tracks=(track,))
    got = BandRenderer(score, sr=sr).render(0.0, seconds)[track.stem]
    want = _live(track, sr, seconds)
    assert _rms(want) > 1e-3
    # Differences come only from where the synthesizer's 64-sample envelope blocks fall.
    assert _rms(got - want) < 0.02 * _rms(want)


def test_any_range_is_that_part_of_the_whole_song() -> None:
    sr = 44100
    score = band_score(duration=9.0)
    whole = BandRenderer(score, sr=sr).render(0.0, 9.0)
    renderer = BandRenderer(score, sr=sr)
    # Out of order, overlapping, and after a jump back.
    for a, b in [(5.0, 6.5), (1.25, 2.0), (6.0, 9.0), (0.0, 0.5)]:
        part = renderer.render(a, b)
        for stem in BAND_STEMS:
            segment = whole[stem][round(a * sr) : round(a * sr) + len(part[stem])]
            np.testing.assert_allclose(part[stem], segment, atol=1e-6)


def test_each_distinct_note_is_synthesized_once() -> None:
    sr = 22050
    # The same two chords eight times, and one note at four velocities.
    notes = tuple(Note(0.5 * i, 0.4, pitch, 90) for i in range(8) for pitch in (60, 64, 67))
    notes += tuple(Note(4.0 + 0.5 * i, 0.4, 72, velocity) for i, velocity in
                   enumerate((40, 60, 80, 100)))  # fmt: skip
    score = replace(band_score(duration=7.0), tracks=(Track("keys", "other", 0, notes),))
    renderer = BandRenderer(score, sr=sr)
    renderer.render(0.0, 3.0)
    renderer.render(3.0, 7.0)
    bank, _ = renderer.banks["other"][0]
    # The soft and loud notes share a sound where the font plays one sample for both.
    layers = {float(top) for key, top in zip(bank.notes.keys, bank.notes.loudest, strict=True)
              if key == 72}  # fmt: skip
    assert 1 <= len(layers) <= 4
    assert bank.distinct == 3 + len(layers)
    assert bank.distinct_rendered == bank.distinct
    # Every note has been placed by the end, so nothing is kept.
    assert bank.cached_bytes == 0


def test_key_map_reads_exclusive_classes_and_velocity_layers() -> None:
    kit = key_map(BUNDLED, (128, 0))
    assert kit.classes[42] == kit.classes[44] == kit.classes[46] > 0  # the hi-hats
    assert 36 not in kit.classes and 38 not in kit.classes
    assert key_map(BUNDLED, (5, 99)) == KeyMap({}, {})
    if DEBIAN_FLUID.is_file():
        snare = key_map(DEBIAN_FLUID, (128, 0)).splits[38]
        assert list(snare) == sorted(snare)
        assert all(1 < cut <= 127 for cut in snare)


def test_kept_notes_stay_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("chorus.engine.instruments.NOTE_CACHE_BYTES", 200_000)
    sr = 22050
    # Ten distinct long notes, each played again at the end.
    first = tuple(Note(0.5 * i, 0.45, 50 + i, 90) for i in range(10))
    again = tuple(Note(6.0 + 0.5 * i, 0.45, 50 + i, 90) for i in range(10))
    score = replace(band_score(duration=12.0), tracks=(Track("keys", "other", 0, first + again),))
    renderer = BandRenderer(score, sr=sr)
    whole = BandRenderer(score, sr=sr).render(0.0, 12.0)["other"]
    bank, _ = renderer.banks["other"][0]
    parts = []
    for a in np.arange(0.0, 12.0, 0.5):
        parts.append(renderer.render(float(a), float(a) + 0.5)["other"])
        assert bank.cached_bytes <= 200_000 + 2 * 0.5 * sr * 8 * 2  # what is playing now
    assert bank.distinct_rendered > bank.distinct  # some were made again...
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-6)  # ...identically
