"""Spoken lines shared between the processes that render the same song.

The two clips of a task sing the same lyrics to different tunes, in two render processes
at once; the speech of a line (the neural voice and its WORLD analysis, most of the
voice's cost) does not depend on the tune, so it need only be made once. A
:class:`SpeechStore` is a folder both renders are given: the first to need a line takes
its lock file, makes it and writes it; the other waits for the file instead of making it
again. A lock whose holder died is taken over after :data:`STALE_LOCK_S`.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np

from chorus.engine._files import atomic_write_bytes

STALE_LOCK_S = 20.0
_POLL_S = 0.01

Arrays = dict[str, np.ndarray]


class SpeechStore:
    """Named sets of arrays in ``folder``, each made once by whichever process asks first.

    ``wait_s`` bounds how long a process waits for a line another process is making
    before it makes the line itself.
    """

    def __init__(self, folder: Path, wait_s: float = STALE_LOCK_S) -> None:
        self.folder = folder
        self.wait_s = wait_s
        folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, make: Callable[[], Arrays]) -> Arrays:
        """The arrays stored under ``key`` (a file-name-safe string), made by ``make``
        here when no other process has made or is making them."""
        path = self.folder / f"{key}.npz"
        lock = self.folder / f"{key}.lock"
        deadline = time.monotonic() + self.wait_s
        while True:
            found = load_arrays(path)
            if found is not None:
                return found
            if _take(lock):
                try:
                    arrays = make()
                    save_arrays(path, arrays)
                    return arrays
                finally:
                    lock.unlink(missing_ok=True)
            if time.monotonic() > deadline or _stale(lock):
                # The maker is gone or too slow: make it here (the result is the same).
                return make()
            time.sleep(_POLL_S)


def _take(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _stale(lock: Path) -> bool:
    try:
        return time.time() - lock.stat().st_mtime > STALE_LOCK_S
    except FileNotFoundError:
        return False


def load_arrays(path: Path) -> Arrays | None:
    """The arrays saved at ``path``; None when there are none (a damaged file is deleted)."""
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        # A damaged file (a full disk): make the line again and replace it.
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def save_arrays(path: Path, arrays: Arrays) -> None:
    """Save ``arrays`` at ``path`` atomically; a folder that cannot be written is ignored."""
    buffer = io.BytesIO()
    # savez's keyword arguments are the arrays' names (its stubs expect its own options).
    savez = cast(Callable[..., None], np.savez)
    savez(buffer, **arrays)
    with contextlib.suppress(OSError):  # a store that cannot be written only costs time
        atomic_write_bytes(path, buffer.getvalue())
