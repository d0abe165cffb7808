"""From sung notes to spoken lines: which phonemes each note sings, and the speech they
are cut from.

A phrase (the notes of one lyric line) is spoken as one utterance so words join
naturally; each word (or Chinese syllable) is a *unit* whose syllables are dealt out
over its notes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from chorus.engine.score import SungNote
from chorus.engine.voice import _speechcache, _world
from chorus.engine.voice._phonemes import (
    FALLBACK,
    STRESS,
    VOWELS,
    english_phonemes,
    is_vocalic,
    syllabify,
)
from chorus.engine.voice._piper import voice_id
from chorus.engine.voice._store import SpeechStore
from chorus.engine.voice._zh import pinyin_phonemes

_SONORANTS = frozenset("mnŋlɹwjɾɫɲ")
_VOICELESS = frozenset("ptkfθsʃhçxʔ")
# Longest phrase spoken as one utterance; longer lines are spoken in pieces.
_MAX_UNITS = 24


@dataclass(frozen=True, slots=True)
class Unit:
    """One word (or one Chinese syllable) and the notes it is sung on."""

    notes: tuple[SungNote, ...]
    phonemes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Part:
    """A stretch of speech (seconds into the utterance) sung on one note.

    ``hold`` is the part of it that may be lengthened (the steady middle of a vowel);
    consonants have an empty hold and keep their length.
    """

    start: float
    end: float
    hold_start: float
    hold_end: float
    vowel: bool

    @property
    def fixed(self) -> float:
        return (self.hold_start - self.start) + (self.end - self.hold_end)

    @property
    def hold(self) -> float:
        return self.hold_end - self.hold_start


@dataclass(frozen=True, slots=True)
class Spoken:
    """A phrase's utterance, analysed, and the parts each of its notes sings."""

    analysis: _world.Analysis
    parts: tuple[tuple[Part, ...], ...]


def units(notes: list[SungNote]) -> list[Unit]:
    """Group a phrase's notes (in time order) into words / Chinese syllables."""
    groups: list[list[SungNote]] = []
    for note in notes:
        previous = groups[-1][-1] if groups else None
        same = (
            previous is not None
            and previous.word_index == note.word_index
            and previous.language == note.language == "en"
            and previous.phonetic == note.phonetic
        ) or (
            previous is not None
            and note.language == "zh"
            and previous.language == "zh"
            and previous.word_index == note.word_index
            and previous.syllable_index == note.syllable_index
        )
        if same:
            groups[-1].append(note)
        else:
            groups.append([note])
    return [Unit(tuple(group), phonemes_of(group[0])) for group in groups]


def phonemes_of(note: SungNote) -> tuple[str, ...]:
    """What a note's word (or Chinese syllable) sounds like; never empty."""
    spelled = note.phonetic.strip() or note.word.strip() or note.text.strip()
    if note.language == "zh":
        found = pinyin_phonemes(spelled)
        if found is not None:
            return found
        # Not pinyin (a Latin word or a symbol in Chinese lyrics): read it as English.
        return english_phonemes(spelled) if spelled else FALLBACK
    return english_phonemes(spelled) if spelled else FALLBACK


def chunks(phrase: list[Unit]) -> list[list[Unit]]:
    """Split an over-long phrase into utterances the voice can speak at once."""
    return [phrase[i : i + _MAX_UNITS] for i in range(0, len(phrase), _MAX_UNITS)]


def speak(phrase: list[Unit]) -> Spoken:
    """Speak and analyse the phrase's units; the utterance is cached per phoneme sequence
    (a chorus line sung again, even to other notes, is spoken once)."""
    words = tuple(unit.phonemes for unit in phrase)
    analysis, spans, spoken, offsets = _spoken(words)
    parts: list[tuple[Part, ...]] = []
    for word, offset, unit in zip(words, offsets, phrase, strict=True):
        cut = slice(offset, offset + len(word))
        parts.extend(_deal(word, spans[cut], spoken[cut], len(unit.notes)))
    return Spoken(analysis=analysis, parts=tuple(parts))


# The analysis, each phoneme's span (seconds) with the space between words shared out,
# the same spans as spoken, and where each word starts among the phonemes.
_Utterance = tuple[_world.Analysis, np.ndarray, np.ndarray, tuple[int, ...]]

#: Where the renders of one song share their speech (see :func:`sharing_speech`).
_STORE: ContextVar[SpeechStore | None] = ContextVar("speech_store", default=None)
# Part of a shared line's name: change it whenever the speech or its analysis changes.
_SPEECH_VERSION = 3


@contextmanager
def sharing_speech(store: SpeechStore | None) -> Iterator[None]:
    """Within the block, lines are spoken once per ``store`` (shared with the other
    processes rendering the same song) rather than once per process."""
    token = _STORE.set(store)
    try:
        yield
    finally:
        _STORE.reset(token)


@lru_cache(maxsize=48)
def _spoken(words: tuple[tuple[str, ...], ...]) -> _Utterance:
    """The analysed utterance (see ``_Utterance``): from the shared store when there is
    one, else made here."""
    store = _STORE.get()
    if store is None:
        return _speak_and_analyse(words)
    key = hashlib.sha256(json.dumps([_SPEECH_VERSION, voice_id(), words]).encode())
    arrays = store.get(key.hexdigest()[:32], lambda: _pack(_speak_and_analyse(words)))
    return _unpack(arrays, words)


def _pack(utterance: _Utterance) -> dict[str, np.ndarray]:
    """What the store keeps of an utterance: the analysis and the spans as spoken (the
    shared-out spans follow from those)."""
    analysis, _, spoken, _ = utterance
    return {"fs": np.array(analysis.fs), "f0": analysis.f0, "sp": analysis.sp,
            "ap": analysis.ap, "spoken": spoken}  # fmt: skip


def _unpack(arrays: dict[str, np.ndarray], words: tuple[tuple[str, ...], ...]) -> _Utterance:
    analysis = _world.Analysis(
        fs=int(arrays["fs"]), f0=arrays["f0"], sp=arrays["sp"], ap=arrays["ap"]
    )
    return _with_spans(analysis, arrays["spoken"], words)


def _with_spans(
    analysis: _world.Analysis, spoken: np.ndarray, words: tuple[tuple[str, ...], ...]
) -> _Utterance:
    """The utterance of ``words`` from its analysis and the phonemes' spans as spoken
    (seconds, one row per phoneme and word space)."""
    offsets: list[int] = []
    count = 0
    for word in words:
        count += 1 if offsets else 0  # the space before every word but the first
        offsets.append(count)
        count += len(word)
    spoken.flags.writeable = False
    spans = spoken.copy()
    # The voice spends real sound on the space between words (the end of one word
    # flowing into the next): half of it goes to each neighbour.
    for offset, word in zip(offsets, words, strict=True):
        if offset > 0:
            space = spans[offset - 1]
            spans[offset, 0] = 0.5 * (space[0] + space[1])
        end = offset + len(word)
        if end < count:
            space = spans[end]
            spans[end - 1, 1] = 0.5 * (space[0] + space[1])
    spans.flags.writeable = False
    return analysis, spans, spoken, tuple(offsets)


def _speak_and_analyse(words: tuple[tuple[str, ...], ...]) -> _Utterance:
    line: list[str] = []
    for word in words:
        if line:
            line.append(" ")
        line.extend(word)
    speech = _speechcache.speak(tuple(line))
    fs = speech.rate
    frame = fs * _world.FRAME_PERIOD_MS / 1000.0
    frames = int(np.ceil(speech.audio.size / frame)) + 1
    hints = np.full(frames, _world.EITHER, dtype=np.int8)
    for phoneme, (begin, end) in zip(line, speech.spans, strict=True):
        kind = _voicing(phoneme)
        if kind != _world.EITHER:
            hints[int(begin / frame) : int(np.ceil(end / frame))] = kind
    analysis = _world.analyze(speech.audio, fs, hints)
    return _with_spans(analysis, np.asarray(speech.spans, dtype=np.float64) / fs, words)


def _voicing(phoneme: str) -> int:
    if is_vocalic(phoneme) or phoneme in _SONORANTS:
        return _world.VOICED
    if phoneme in _VOICELESS:
        return _world.UNVOICED
    return _world.EITHER


def _deal(
    word: tuple[str, ...], spans: np.ndarray, spoken: np.ndarray, notes: int
) -> list[tuple[Part, ...]]:
    """The parts each of a word's ``notes`` sings: one syllable per note when the counts
    agree, several syllables on a note when there are more, a vowel held over several
    notes when there are fewer. ``spans`` are the word's phonemes with the space between
    words shared out, ``spoken`` the same as the voice spoke them."""
    syllables = syllabify(word)
    count = len(syllables)
    dealt: list[list[Part]] = [[] for _ in range(notes)]
    for index, syllable in enumerate(syllables):
        if count <= notes:
            first = -(-index * notes // count)
            last = -(-(index + 1) * notes // count) - 1
        else:
            first = last = index * notes // count
        onset = _consonants(spans, *syllable.onset)
        coda = _consonants(spans, *syllable.coda)
        vowel = _vowel(word, spans, spoken, *syllable.nucleus)
        pieces = _split_vowel(vowel, last - first + 1)
        dealt[first].extend(onset)
        for k, piece in enumerate(pieces):
            dealt[first + k].append(piece)
        dealt[last].extend(coda)
    return [tuple(parts) for parts in dealt]


def _consonants(spans: np.ndarray, start: int, end: int) -> list[Part]:
    if end <= start:
        return []
    begin, finish = float(spans[start, 0]), float(spans[end - 1, 1])
    return [Part(begin, finish, begin, begin, vowel=False)]


def _vowel(
    word: tuple[str, ...], spans: np.ndarray, spoken: np.ndarray, start: int, end: int
) -> Part:
    """The nucleus, held at the middle of its first vowel as spoken (a diphthong glides at
    the end, as singers do). A single held point beats a slowed-down stretch: the
    recognizer (and the ear) hear a slowed transition as extra sounds. The middle is taken
    within the vowel's own sound, not the pause after a word that ends in it: there the
    voice has already faded, and a held whisper carries no pitch."""
    begin, finish = float(spans[start, 0]), float(spans[end - 1, 1])
    first = next((i for i in range(start, end) if word[i] in VOWELS), start)
    stop = first + 1
    while stop < end and not (word[stop] in VOWELS and word[stop - 1] in VOWELS):
        stop += 1
    core_start = float(spoken[start, 0]) if word[start] in STRESS else float(spoken[first, 0])
    core_end = float(spoken[stop - 1, 1])
    hold_start = min(max(0.5 * (core_start + core_end), begin), finish)
    hold_end = hold_start + _world.FRAME_PERIOD_MS / 1000.0
    return Part(begin, max(finish, hold_end), hold_start, hold_end, vowel=True)


def _split_vowel(vowel: Part, pieces: int) -> list[Part]:
    """Share one vowel among several notes: each takes a slice of its hold."""
    if pieces == 1:
        return [vowel]
    cuts = np.linspace(vowel.hold_start, vowel.hold_end, pieces + 1)
    out: list[Part] = []
    for k in range(pieces):
        start = vowel.start if k == 0 else float(cuts[k])
        end = vowel.end if k == pieces - 1 else float(cuts[k + 1])
        out.append(Part(start, end, float(cuts[k]), float(cuts[k + 1]), vowel=True))
    return out
