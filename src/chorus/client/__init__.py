"""Python client of the Suno task API, for Chorus and for any relay that speaks it.

Make a song and save its files (set ``CHORUS_URL`` and ``CHORUS_KEY`` first)::

    import os
    from pathlib import Path

    from chorus.client import Client, Task

    def show(task: Task) -> None:
        print(f"{task.status:<12} {task.progress:3d}%")

    with Client(os.environ["CHORUS_URL"], os.environ["CHORUS_KEY"]) as client:
        task_id = client.submit_music(
            gpt_description_prompt="a cheerful folk song about autumn rain",
            make_instrumental=False,
        )
        task = client.wait(task_id, on_progress=show, timeout=900)
        for clip in task.clips:
            files = client.download(clip, Path("songs"), what=("audio", "image"))
            print(clip.title, clip.duration, "s:", files["audio"])

``AsyncClient`` has the same methods, awaited, and ``async with`` support.

Answers are read in any of the four shapes relays use (see :mod:`chorus.client.dialects`)
and normalized to :class:`Task`, :class:`Clip` and :class:`LyricsResult`. Errors answered
by the server raise the :class:`ClientError` subclass of their contract ``code``.
"""

from chorus.client._async import AsyncClient
from chorus.client._sync import Client
from chorus.client.dialects import (
    check_envelope,
    detect_dialect,
    parse_submit,
    parse_task,
    parse_tasks,
)
from chorus.client.errors import (
    AuthenticationError,
    ClientError,
    DownloadError,
    InvalidRequestError,
    InvalidResponse,
    QuotaExceeded,
    RateLimitedError,
    ServiceBusy,
    TaskFailed,
    TaskNotFound,
    TransportError,
    UpstreamError,
    WaitTimeout,
)
from chorus.client.models import Clip, ClipStatus, Dialect, LyricsResult, Task, TaskStatus

__all__ = [
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "ClientError",
    "Clip",
    "ClipStatus",
    "Dialect",
    "DownloadError",
    "InvalidRequestError",
    "InvalidResponse",
    "LyricsResult",
    "QuotaExceeded",
    "RateLimitedError",
    "ServiceBusy",
    "Task",
    "TaskFailed",
    "TaskNotFound",
    "TaskStatus",
    "TransportError",
    "UpstreamError",
    "WaitTimeout",
    "check_envelope",
    "detect_dialect",
    "parse_submit",
    "parse_task",
    "parse_tasks",
]
