"""Real renders of short sung phrases, measured."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import pyworld
from _voice_scores import MakeScore, vocal_score

from chorus.engine.voice import Singer, SpeechStore, render_vocals
from chorus.engine.voice._lines import _spoken

SR = 44100
# Separate notes with rests between them, so each can be found in the audio.
STACCATO = [("day", 0.3, 0.45, 55), ("sea", 1.1, 0.45, 57), ("go", 1.9, 0.45, 59)]
SUSTAINED = [("oh", 0.2, 0.9, 0), ("day", 1.2, 0.9, 4), ("see", 2.2, 0.9, 7)]


def _rms(audio: np.ndarray, start: float, end: float, sr: int = SR) -> float:
    part = audio[int(start * sr) : int(end * sr)]
    return float(np.sqrt(np.mean(part.astype(np.float64) ** 2))) if part.size else 0.0


def _median_f0(audio: np.ndarray, start: float, end: float, sr: int = SR) -> float:
    """Median pitch (Hz) over the middle half of ``[start, end)``."""
    quarter = (end - start) / 4
    part = audio[int((start + quarter) * sr) : int((end - quarter) * sr)].astype(np.float64)
    f0, times = pyworld.dio(part, sr, f0_floor=70.0, f0_ceil=1000.0, frame_period=5.0)
    f0 = pyworld.stonemask(part, f0, times, sr)
    voiced = f0[f0 > 0]
    assert voiced.size > 0.5 * f0.size, "the middle of a sustained note should be voiced"
    return float(np.median(voiced))


def _semitones(hz: float, midi: int) -> float:
    return float(12.0 * np.log2(hz / (440.0 * 2.0 ** ((midi - 69) / 12.0))))


@pytest.mark.parametrize("sr", [44100, 22050, 48000])
@pytest.mark.parametrize(("start", "end"), [(0.0, 2.6), (0.25, 3.3333), (1.0, 1.0)])
def test_output_length_is_exact(make_score: MakeScore, sr: int, start: float, end: float) -> None:
    audio = render_vocals(make_score(STACCATO), start, end, sr=sr)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert audio.size == round((end - start) * sr)


def test_no_notes_in_range_gives_zeros(make_score: MakeScore) -> None:
    score = make_score(STACCATO, duration=6.0)
    late = render_vocals(score, 3.0, 5.5)
    assert late.size == round(2.5 * SR)
    assert not late.any()
    empty = dataclasses.replace(score, vocal=())
    assert not render_vocals(empty, 0.0, 2.0).any()


def test_sound_where_notes_are_and_silence_between(make_score: MakeScore) -> None:
    score = make_score(STACCATO, line_breaks=(1, 2))
    audio = render_vocals(score, 0.0, 3.0)
    assert np.all(np.isfinite(audio))
    peak = float(np.max(np.abs(audio)))
    assert 0.2 < peak <= 0.9
    for note in score.vocal:
        assert _rms(audio, note.start + 0.05, note.end - 0.05) > 0.02
    # Before the first note and in the rests (past each note's release).
    assert _rms(audio, 0.0, 0.2) < 1e-4
    for before, after in zip(score.vocal, score.vocal[1:], strict=False):
        assert _rms(audio, before.end + 0.04, after.start - 0.08) < 1e-3
    assert _rms(audio, score.vocal[-1].end + 0.04, 3.0) < 1e-3


def test_energy_onsets_and_ends_follow_the_notes(make_score: MakeScore) -> None:
    score = make_score(STACCATO, line_breaks=(1, 2))
    audio = render_vocals(score, 0.0, 3.0).astype(np.float64)
    hop = SR // 200
    frames = audio[: audio.size // hop * hop].reshape(-1, hop)
    level = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-9)
    loud = level > level.max() - 30.0
    times = np.arange(level.size) * hop / SR
    for note in score.vocal:
        around = (times > note.start - 0.15) & (times < note.end + 0.15)
        sounding = times[around & loud]
        assert abs(sounding[0] - note.start) < 0.08, (note.text, sounding[0], note.start)
        assert note.end - 0.12 < sounding[-1] <= note.end + 0.01, (note.text, sounding[-1])


@pytest.mark.parametrize(("voice", "base"), [("male", 50), ("female", 65)])
def test_sustained_notes_are_sung_in_tune(make_score: MakeScore, voice: str, base: int) -> None:
    notes = [(word, start, length, base + step) for word, start, length, step in SUSTAINED]
    score = make_score(notes, voice=voice)
    audio = render_vocals(score, 0.0, score.duration)
    for note in score.vocal:
        error = _semitones(_median_f0(audio, note.start, note.end), note.pitch)
        assert abs(error) <= 0.5, (voice, note.text, note.pitch, error)


def test_quick_legato_notes_of_a_high_line_are_voiced_and_in_tune(make_score: MakeScore) -> None:
    # Words ending in a vowel inside a line, and open vowels on high notes.
    words = ["tell", "me", "that", "you", "go", "back", "to", "the", "sea", "for", "me"]
    pitches = [65, 67, 68, 66, 64, 68, 66, 63, 65, 68, 67]
    notes = [
        (w, 0.3 + 0.26 * k, 0.25, p) for k, (w, p) in enumerate(zip(words, pitches, strict=True))
    ]
    score = make_score(notes, voice="female")
    audio = render_vocals(score, 0.0, score.duration).astype(np.float64)
    # The tracker runs over the whole line (it needs context); each note is judged on the
    # median pitch of the voiced frames in its middle half.
    f0, times = pyworld.dio(audio, SR, f0_floor=60.0, f0_ceil=1100.0, frame_period=5.0)
    f0 = pyworld.stonemask(audio, f0, times, SR)
    for note in score.vocal:
        quarter = note.duration / 4
        middle = (times >= note.start + quarter) & (times < note.end - quarter)
        voiced = f0[middle & (f0 > 0)]
        assert voiced.size > 0.5 * middle.sum(), note.text
        assert abs(_semitones(float(np.median(voiced)), note.pitch)) <= 0.5, note.text


def test_female_sings_higher_with_raised_formants(make_score: MakeScore) -> None:
    male_notes = [(w, s, d, 50 + k) for w, s, d, k in SUSTAINED]
    female_notes = [(w, s, d, 62 + k) for w, s, d, k in SUSTAINED]
    male = render_vocals(make_score(male_notes, voice="male"), 0.0, 3.3)
    female = render_vocals(make_score(female_notes, voice="female"), 0.0, 3.3)
    f0_male = np.median([_median_f0(male, n[1], n[1] + n[2]) for n in male_notes])
    f0_female = np.median([_median_f0(female, n[1], n[1] + n[2]) for n in female_notes])
    assert f0_female > 1.6 * f0_male
    # Same notes, other voice: the spectrum's centre of mass moves up.
    same = render_vocals(make_score(male_notes, voice="female"), 0.0, 3.3)
    assert _centroid(same) > 1.05 * _centroid(male)


def _centroid(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1.0 / SR)
    return float(np.sum(freqs * spectrum) / np.sum(spectrum))


def test_multi_syllable_words_and_legato_lines(make_score: MakeScore) -> None:
    score = vocal_score([("x", 0.0, 0.1, 50)])
    base = score.vocal[0]
    words = [("beautiful", 3), ("morning", 2), ("light", 1)]
    notes = []
    time = 0.2
    for index, (word, count) in enumerate(words):
        for syllable in range(count):
            notes.append(
                dataclasses.replace(
                    base,
                    start=time,
                    duration=0.3,
                    pitch=52 + 2 * (index % 3),
                    text=word,
                    word=word,
                    phonetic=word,
                    word_index=index,
                    syllable_index=syllable,
                    syllable_count=count,
                )
            )
            time += 0.3
    sung = dataclasses.replace(score, vocal=tuple(notes), duration=time + 0.5)
    audio = render_vocals(sung, 0.0, sung.duration)
    for note in notes:
        assert _rms(audio, note.start + 0.03, note.end - 0.03) > 0.01, note.text


def test_chinese_syllables_are_each_sung(make_score: MakeScore) -> None:
    pinyin = ["wo", "ai", "ni", "zhong", "guo", "lv", "xue", "ri"]
    notes = [(p, 0.2 + 0.5 * k, 0.35, 55 + (k % 4)) for k, p in enumerate(pinyin)]
    score = make_score(notes, language="zh")
    audio = render_vocals(score, 0.0, score.duration)
    for note, following in zip(score.vocal, score.vocal[1:], strict=False):
        assert _rms(audio, note.start + 0.05, note.end - 0.05) > 0.02, note.phonetic
        # Each syllable is its own sound: it stops before the next one starts.
        assert _rms(audio, note.end + 0.04, following.start - 0.09) < 1e-3, note.phonetic


def test_odd_spellings_are_still_sung(make_score: MakeScore) -> None:
    odd = ["xyz", "", "!!", "42", "naïve", "ng"]
    notes = [(p, 0.2 + 0.5 * k, 0.35, 57) for k, p in enumerate(odd)]
    for language in ("en", "zh"):
        score = make_score(notes, language=language)
        audio = render_vocals(score, 0.0, score.duration)
        for note in score.vocal:
            assert _rms(audio, note.start + 0.05, note.end - 0.05) > 0.01, (language, note)


def test_same_score_renders_identically(make_score: MakeScore) -> None:
    score = make_score(STACCATO)
    first = render_vocals(score, 0.0, 3.0)
    _spoken.cache_clear()
    second = render_vocals(score, 0.0, 3.0)
    assert np.array_equal(first, second)


def test_a_range_sings_only_the_notes_starting_in_it(make_score: MakeScore) -> None:
    score = make_score(STACCATO, line_breaks=(1, 2))
    audio = render_vocals(score, 1.0, 2.6)
    first, second = score.vocal[1], score.vocal[2]
    assert _rms(audio, first.start - 1.0 + 0.05, first.end - 1.0 - 0.05) > 0.02
    assert _rms(audio, second.start - 1.0 + 0.05, 1.55) > 0.02
    # The first note starts before the range: it is not sung, not even its tail.
    assert _rms(audio, 0.0, 0.05) < 1e-4


def test_rests_inside_a_line_are_silent_and_the_line_goes_on(make_score: MakeScore) -> None:
    # One lyric line with long rests between its words.
    notes = [("day", 0.2, 0.4, 55), ("sea", 1.4, 0.4, 57), ("go", 2.6, 0.4, 59)]
    score = make_score(notes)
    audio = render_vocals(score, 0.0, score.duration)
    for note in score.vocal:
        assert _rms(audio, note.start + 0.05, note.end - 0.05) > 0.02, note.text
    for before, after in zip(score.vocal, score.vocal[1:], strict=False):
        assert _rms(audio, before.end + 0.08, after.start - 0.12) < 1e-3


def test_a_line_sung_again_to_other_notes_is_spoken_once(make_score: MakeScore) -> None:
    first = make_score([("day", 0.2, 0.4, 55), ("sea", 0.6, 0.4, 57)])
    base = first.vocal[1]
    # The same words again, "sea" now spread over two notes.
    again = (
        dataclasses.replace(first.vocal[0], start=2.0, line_index=1),
        dataclasses.replace(base, start=2.4, duration=0.3, line_index=1),
        dataclasses.replace(base, start=2.7, duration=0.5, pitch=59, line_index=1),
    )
    score = dataclasses.replace(first, vocal=first.vocal + again, duration=4.0)
    _spoken.cache_clear()
    audio = render_vocals(score, 0.0, score.duration)
    info = _spoken.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    for note in score.vocal:
        assert _rms(audio, note.start + 0.05, note.end - 0.05) > 0.02, note.text


def test_clips_sharing_a_store_speak_each_line_once_and_sing_the_same(
    make_score: MakeScore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [("day", 0.2, 0.4, 55), ("sea", 0.6, 0.4, 57), ("go", 1.4, 0.5, 59)]
    first = make_score(lines, line_breaks=(2,))
    # Another clip: the same words to another tune, in the other voice.
    other = make_score(
        [(w, start + 0.3, length, pitch + 5) for w, start, length, pitch in lines],
        line_breaks=(2,),
        voice="female",
    )
    store = SpeechStore(tmp_path / "speech")
    _spoken.cache_clear()
    render_vocals(first, 0.0, first.duration, store=store)
    made = sorted(p.name for p in (tmp_path / "speech").iterdir())
    assert len(made) == 2  # two lyric lines
    _spoken.cache_clear()  # as in the other clip's process
    spoken: list[object] = []
    real = Singer.speak
    monkeypatch.setattr(Singer, "speak", lambda self, p: spoken.append(p) or real(self, p))
    shared = render_vocals(other, 0.0, other.duration, store=store)
    assert spoken == []
    assert sorted(p.name for p in (tmp_path / "speech").iterdir()) == made
    _spoken.cache_clear()
    alone = render_vocals(other, 0.0, other.duration)
    assert len(spoken) == 2
    assert np.array_equal(shared, alone)


def test_a_line_split_between_two_ranges_is_spoken_whole_once(
    make_score: MakeScore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One lyric line with a rest in the middle, rendered as two ranges cut in the rest.
    score = make_score([("day", 0.2, 0.4, 55), ("sea", 0.7, 0.4, 57), ("go", 2.2, 0.5, 59)])
    spoken: list[tuple[str, ...]] = []
    real = Singer.speak
    monkeypatch.setattr(Singer, "speak", lambda self, p: spoken.append(p) or real(self, p))
    _spoken.cache_clear()
    first = render_vocals(score, 0.0, 1.6)
    second = render_vocals(score, 1.6, score.duration)
    assert len(spoken) == 1 and spoken[0].count(" ") == 2  # three words, one utterance
    assert _rms(first, 0.25, 0.55) > 0.02 and _rms(first, 0.75, 1.05) > 0.02
    assert _rms(second, 2.25 - 1.6, 2.65 - 1.6) > 0.02
    assert _rms(first, 1.3, 1.6) < 1e-3  # nothing of the later word leaks into the first
