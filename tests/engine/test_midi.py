from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mido
import pretty_midi
import pytest

from chorus.engine.compose import compose
from chorus.engine.midi import write_midi
from chorus.engine.request import SongRequest

MakeRequest = Callable[..., SongRequest]


@pytest.mark.parametrize(
    ("tags", "meter"), [("rock", (4, 4)), ("waltz", (3, 4)), ("irish jig", (6, 8))]
)
def test_midi_round_trip(
    make_request: MakeRequest, tmp_path: Path, tags: str, meter: tuple[int, int]
) -> None:
    score = compose(make_request(tags=tags, lyrics="[Verse]\n我爱你 hello world\nsing along"))
    path = tmp_path / "song.mid"
    write_midi(score, path)
    midi = pretty_midi.PrettyMIDI(str(path))

    quarter_bpm = score.tempo / 2 if score.meter == 6 else score.tempo
    _, tempi = midi.get_tempo_changes()
    assert list(tempi) == [pytest.approx(quarter_bpm, rel=1e-4)]
    ts = midi.time_signature_changes[0]
    assert (ts.numerator, ts.denominator) == meter
    assert midi.key_signature_changes[0].key_number % 12 == score.key

    by_name = {inst.name: inst for inst in midi.instruments}
    assert set(by_name) == {t.name for t in score.tracks} | {"Vocals"}
    tick = 60.0 / quarter_bpm / 480
    for track in score.tracks:
        inst = by_name[track.name]
        assert inst.is_drum == track.is_drum
        if not track.is_drum:
            assert inst.program == track.program
        assert len(inst.notes) == len(track.notes)
        starts = sorted(n.start for n in inst.notes)
        assert starts == pytest.approx(sorted(n.start for n in track.notes), abs=tick)
    vocals = by_name["Vocals"]
    assert [n.pitch for n in sorted(vocals.notes, key=lambda n: n.start)] == [
        n.pitch for n in score.vocal
    ]

    raw = mido.MidiFile(str(path), charset="utf-8")
    drums = [m for tr in raw.tracks for m in tr if m.type == "note_on" and m.channel == 9]
    assert drums and len(drums) == len(next(t for t in score.tracks if t.is_drum).notes)
    vocal_track = next(tr for tr in raw.tracks if tr.name == "Vocals")
    lyrics = [m.text for m in vocal_track if m.type == "lyrics"]
    assert lyrics == [n.text for n in score.vocal]
    assert lyrics[:3] == ["我", "爱", "你"]


def test_instrumental_midi_has_no_vocal_track(make_request: MakeRequest, tmp_path: Path) -> None:
    score = compose(make_request(instrumental=True, duration=20))
    path = tmp_path / "song.mid"
    write_midi(score, path)
    midi = pretty_midi.PrettyMIDI(str(path))
    assert "Vocals" not in {i.name for i in midi.instruments}
    assert midi.get_end_time() == pytest.approx(score.duration, abs=0.05)
