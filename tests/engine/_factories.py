"""Hand-built scores for testing the stages after composition."""

from __future__ import annotations

from chorus.engine.score import Chord, Note, Score, Section, Track

KICK, SNARE, HAT, CRASH = 36, 38, 42, 49


def band_score(
    *,
    duration: float = 12.0,
    tempo: float = 120.0,
    seed: int = 1,
    title: str = "Test Song",
    genre: str = "pop",
    mood: str = "happy",
    tags: str = "upbeat pop",
    silent_from: float | None = None,
    sections: int = 3,
) -> Score:
    """A 4/4 song of drums (kick/snare/hats), a bass line and a piano comping chords.

    No note starts at or after ``silent_from`` (when given), and every note has ended
    by then, so the band is silent from there on.
    """
    beat = 60.0 / tempo
    stop = duration if silent_from is None else silent_from
    chords_cycle = [(0, (60, 64, 67)), (9, (57, 60, 64)), (5, (53, 57, 60)), (7, (55, 59, 62))]
    drums: list[Note] = []
    bass: list[Note] = []
    keys: list[Note] = []
    chords: list[Chord] = []
    n_beats = int(stop / beat + 1e-9)
    for b in range(n_beats):
        t = b * beat
        if t + beat > stop + 1e-9:
            break
        drums.append(Note(t, 0.1, KICK if b % 2 == 0 else SNARE, 110))
        drums.append(Note(t, 0.05, HAT, 70))
        drums.append(Note(t + beat / 2, 0.05, HAT, 60))
        root, pitches = chords_cycle[(b // 4) % 4]
        bass.append(Note(t, beat * 0.9, 36 + root, 100))
        if b % 4 == 0:
            bar = min(4 * beat, stop - t)
            chords.append(Chord(t, bar, root, "maj", pitches))
            keys.extend(Note(t, bar * 0.95, p, 80) for p in pitches)
    if silent_from is not None:
        # Cymbals ring for seconds; leave them out when a silent tail is wanted.
        drums = [n for n in drums if n.pitch != CRASH]
    else:
        drums.append(Note(0.0, 0.1, CRASH, 100))
    span = duration / sections
    secs = tuple(
        Section("Verse", f"Verse {i + 1}", i * span, (i + 1) * span, max(1, round(span / beat / 4)))
        for i in range(sections)
    )
    tracks = (
        Track("drums", "drums", 0, tuple(drums), is_drum=True, gain=0.9),
        Track("bass", "bass", 33, tuple(bass), gain=0.9, pan=0.0),
        Track("piano", "other", 0, tuple(keys), gain=0.7, pan=-0.3),
    )
    return Score(
        title=title,
        tags=tags,
        genre=genre,
        mood=mood,
        seed=seed,
        tempo=tempo,
        meter=4,
        swing=0.0,
        key=0,
        mode="major",
        duration=duration,
        voice=None,
        language="en",
        sections=secs,
        chords=tuple(chords),
        tracks=tracks,
    )
