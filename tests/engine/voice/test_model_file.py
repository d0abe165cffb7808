"""The patched voice model: made once in a child process, cached, loaded by path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from chorus.engine.voice import _piper


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voice-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHORUS_CACHE_DIR", str(folder))
        model_path, _ = _piper._model_paths()
        return _piper.patched_model_file(model_path)


def test_the_patched_model_is_written_to_the_cache_folder(cached: Path) -> None:
    assert cached.is_file()
    assert cached.parent.name.startswith("voice-cache")
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no temporary left


def test_the_patched_model_has_alignment_and_no_random_nodes(cached: Path) -> None:
    model = onnx.load(str(cached), load_external_data=False)
    outputs = [o.name for o in model.graph.output]
    assert len(outputs) == 2
    assert not [n for n in model.graph.node if n.op_type == "RandomNormalLike"]
    banks = [i for i in model.graph.initializer if i.name.startswith("chorus_noise_")]
    assert banks


def test_a_cached_model_is_reused_not_patched_again(
    cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHORUS_CACHE_DIR", str(cached.parent))
    before = cached.stat().st_mtime_ns

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("patched again")

    monkeypatch.setattr(_piper, "write_patched_model", refuse)
    monkeypatch.setattr(_piper.subprocess, "run", refuse)
    model_path, _ = _piper._model_paths()
    assert _piper.patched_model_file(model_path) == cached
    assert cached.stat().st_mtime_ns == before


def test_a_new_patch_replaces_the_files_of_older_ones(
    cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_path, _ = _piper._model_paths()
    older = tmp_path / f"{model_path.stem}-sing-0000000000000000.onnx"
    older.write_bytes(b"an earlier patch")
    other_voice = tmp_path / "another-voice-sing-0000000000000000.onnx"
    other_voice.write_bytes(b"not ours")
    monkeypatch.setenv("CHORUS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(
        _piper, "write_patched_model", lambda _src, dst: Path(dst).write_bytes(cached.read_bytes())
    )

    monkeypatch.setattr(_piper.subprocess, "run", lambda *a, **k: _Failed())
    made = _piper.patched_model_file(model_path)
    assert made.is_file()
    assert not older.exists()
    assert other_voice.exists()


class _Failed:
    returncode = 1
    stderr = b"no child process here"


def test_the_name_changes_with_the_source_model(tmp_path: Path) -> None:
    source = tmp_path / "voice.onnx"
    source.write_bytes(b"one")
    first = _piper._cached_name(source)
    source.write_bytes(b"other")
    assert _piper._cached_name(source) != first


def test_an_unwritable_cache_folder_falls_back_to_the_temporary_folder(
    cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CHORUS_CACHE_DIR", str(blocker / "cache"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(_piper.tempfile, "gettempdir", lambda: str(temp))
    model_path, _ = _piper._model_paths()
    made = _piper.patched_model_file(model_path)
    assert made.parent == temp / "chorus-cache"
    assert made.read_bytes() == cached.read_bytes()  # the patch is deterministic


def test_the_loaded_voice_speaks_the_same_audio_twice() -> None:
    singer = _piper.Singer.get()
    phonemes = tuple("həloʊ")
    first, second = singer.speak(phonemes), singer.speak(phonemes)
    assert first.audio.size > _piper.SAMPLE_RATE // 10
    assert np.array_equal(first.audio, second.audio)
    assert all(a <= b for a, b in first.spans)


def test_the_patched_models_decoder_runs_as_two_dimensional_convolutions(cached: Path) -> None:
    model = onnx.load(str(cached), load_external_data=False)
    inits = {init.name: init for init in model.graph.initializer}
    decoder = [
        n
        for n in model.graph.node
        if n.name.startswith("/dec/") and n.op_type in ("Conv", "ConvTranspose")
    ]
    assert len(decoder) >= 20
    assert all(len(inits[n.input[1]].dims) == 4 for n in decoder)
    ops = [n.op_type for n in model.graph.node if n.name.startswith("/dec/")]
    assert ops.count("Unsqueeze") == ops.count("Squeeze") == 1
