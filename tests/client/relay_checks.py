"""Checks shared by the sync and async client tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from fake_relay import FakeRelay, media_bytes

from chorus.client import Clip, Task

MakeRelay = Callable[[str], FakeRelay]
ORDER = ["NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE"]
DIALECTS = ["suno", "flat", "goapi", "clips"]


class WaitOptions(TypedDict):
    poll_interval: float
    timeout: float


# Poll fast: the fake relay moves a task on at every fetch.
FAST = WaitOptions(poll_interval=0.01, timeout=20.0)


def check_progress(seen: list[Task]) -> None:
    """Statuses never go back, progress never falls and rises through several steps."""
    statuses = [ORDER.index(t.status) for t in seen]
    progress = [t.progress for t in seen]
    assert statuses == sorted(statuses)
    assert progress == sorted(progress)
    assert len(set(progress)) >= 3
    assert 0 < progress[len(progress) // 2] < 100
    assert seen[-1].status == "SUCCESS" and progress[-1] == 100


def check_downloads(relay: FakeRelay, clip: Clip, files: dict[str, Path], folder: Path) -> None:
    assert set(files) == {"audio", "image", "video"}
    sizes = {"audio": relay.AUDIO_SIZE, "image": relay.IMAGE_SIZE, "video": relay.VIDEO_SIZE}
    for kind, path in files.items():
        assert path.parent == folder
        assert path.name.startswith(clip.id)
        url = {"audio": clip.audio_url, "image": clip.image_url, "video": clip.video_url}[kind]
        assert url is not None
        assert path.read_bytes() == media_bytes(url.rsplit("/", 1)[1], sizes[kind])
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
