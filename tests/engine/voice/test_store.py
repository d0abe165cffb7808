"""Spoken lines shared by the processes rendering one song: made once, read by the rest."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path

import numpy as np
import pytest

from chorus.engine.voice import _store
from chorus.engine.voice._store import SpeechStore


def _line(counter: Path) -> dict[str, np.ndarray]:
    with counter.open("a") as log:
        log.write(f"{os.getpid()}\n")
    time.sleep(0.3)  # long enough for the other process to find the lock taken
    return {"audio": np.arange(1000, dtype=np.float32), "spans": np.array([[0, 10], [10, 20]])}


def _ask(folder: str, counter: str, out: str) -> None:
    arrays = SpeechStore(Path(folder)).get("line-1", lambda: _line(Path(counter)))
    np.save(out, arrays["audio"])


def test_two_processes_asking_for_a_line_make_it_once(tmp_path: Path) -> None:
    counter = tmp_path / "made.txt"
    counter.touch()
    context = mp.get_context("spawn")
    outs = [tmp_path / f"out{i}.npy" for i in range(2)]
    workers = [
        context.Process(target=_ask, args=(str(tmp_path / "store"), str(counter), str(out)))
        for out in outs
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(counter.read_text().split()) == 1
    for out in outs:
        np.testing.assert_array_equal(np.load(out), np.arange(1000, dtype=np.float32))
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["line-1.npz"]


def test_a_stored_line_is_read_not_made(tmp_path: Path) -> None:
    store = SpeechStore(tmp_path)
    first = store.get("k", lambda: {"x": np.ones(3)})

    def refuse() -> dict[str, np.ndarray]:
        raise AssertionError("made again")

    again = SpeechStore(tmp_path).get("k", refuse)
    np.testing.assert_array_equal(again["x"], first["x"])


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / "k.lock"
    lock.touch()
    old = time.time() - _store.STALE_LOCK_S - 5
    os.utime(lock, (old, old))
    found = SpeechStore(tmp_path).get("k", lambda: {"x": np.zeros(2)})
    np.testing.assert_array_equal(found["x"], np.zeros(2))


def test_waiting_too_long_for_another_maker_makes_it_here(tmp_path: Path) -> None:
    (tmp_path / "k.lock").touch()  # fresh: someone is making it, slowly
    began = time.monotonic()
    found = SpeechStore(tmp_path, wait_s=0.2).get("k", lambda: {"x": np.full(2, 7.0)})
    assert 0.2 <= time.monotonic() - began < 5.0
    np.testing.assert_array_equal(found["x"], np.full(2, 7.0))


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    (tmp_path / "k.npz").write_bytes(b"PK\x03\x04 not a whole archive")
    found = SpeechStore(tmp_path).get("k", lambda: {"x": np.ones(4)})
    np.testing.assert_array_equal(found["x"], np.ones(4))
    np.testing.assert_array_equal(SpeechStore(tmp_path).get("k", dict)["x"], np.ones(4))


def test_a_failed_maker_leaves_no_lock_behind(tmp_path: Path) -> None:
    def broken() -> dict[str, np.ndarray]:
        raise RuntimeError("voice failed")

    with pytest.raises(RuntimeError, match="voice failed"):
        SpeechStore(tmp_path).get("k", broken)
    assert not (tmp_path / "k.lock").exists()
    assert SpeechStore(tmp_path).get("k", lambda: {"x": np.ones(1)})["x"][0] == 1.0
