"""The rules of joining an extension chain into one full-length clip ("concat").

A clip made by extending another carries the clip it continues and the second it took
over (its task's ``continue_clip_id`` and ``continue_at``). Walking those links back to
the first clip gives the parts of the whole song: each earlier clip up to the second the
next one took over, then the last clip whole. Submitting records a MUSIC task (mode
``concat``, one clip, ``continue_clip_id`` = the clip asked for) that the worker runs like
any other; :mod:`chorus.acts.join` does the audio.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.db import after_commit
from chorus.exceptions import ChorusError, InvalidRequest
from chorus.keys.service import KeyInfo
from chorus.media.service import clip_dir
from chorus.tasks import repository
from chorus.tasks.models import Clip, Task
from chorus.tasks.service import Enqueue, new_clips, new_task

CONCAT_MODE = "concat"
# An extension chain longer than this is refused (and a loop in bad data cannot hang us).
MAX_PARTS = 50


class ClipNotComplete(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """The clip is not complete yet."""

    status_code = 409
    code = "clip_not_complete"


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a joined song: the clip's folder, and the second at which the next part
    takes over (None: the whole clip)."""

    clip_id: str
    folder: Path
    cut_at: float | None


def chain(session: Session, clip: Clip) -> list[tuple[Clip, float | None]]:
    """The clips of ``clip``'s extension chain, first clip first, each with the second at
    which the next one took over (None for ``clip`` itself)."""
    links: list[tuple[Clip, float | None]] = [(clip, None)]
    current = clip
    while current.task.mode == "extend" and current.task.continue_clip_id:
        parent = repository.get_clip(session, current.task.continue_clip_id)
        if parent is None or len(links) >= MAX_PARTS:
            break
        links.append((parent, current.task.continue_at))
        current = parent
    links.reverse()
    return links


def load_parts(session: Session, clip_id: str, media_dir: Path) -> list[Part]:
    """The parts to join for the chain ending at ``clip_id`` (read by the worker)."""
    clip = repository.get_clip(session, clip_id)
    if clip is None:
        raise InvalidRequest(f"clip_id: no clip {clip_id!r}", field="clip_id")
    return [
        Part(link.id, clip_dir(media_dir, link.id, link.attempt), cut)
        for link, cut in chain(session, clip)
    ]


def submit_concat(
    session: Session, key: KeyInfo, clip_id: str, settings: Settings, enqueue: Enqueue
) -> Task:
    """Record the task that joins ``clip_id`` with the clips it extends (not committed)."""
    clip_id = clip_id.strip()
    clip = repository.get_clip(session, clip_id) if clip_id else None
    if clip is None or clip.task.key_id != key.id:
        raise InvalidRequest(f"clip_id: no clip {clip_id!r}", field="clip_id")
    if clip.status != "complete":
        raise ClipNotComplete("clip_id: the clip is not complete yet")
    links = chain(session, clip)
    if len(links) < 2:
        raise InvalidRequest(
            "clip_id: the clip does not extend another clip; there is nothing to join",
            field="clip_id",
        )
    for link, _cut in links:
        if link.task.upstream_task_id:
            # Joining needs every part's audio here; a relayed clip's may be elsewhere.
            raise InvalidRequest(
                f"clip_id: clip {link.id} in the chain was made by an upstream channel; "
                "only clips made here can be joined",
                field="clip_id",
            )
        if (
            link.status != "complete"
            or not (clip_dir(settings.media_dir, link.id, link.attempt) / "song.mp3").is_file()
        ):
            raise InvalidRequest(
                f"clip_id: the audio of clip {link.id} in the chain is missing", field="clip_id"
            )
    now = time.time()
    source = clip.task
    first = links[0][0].task
    duration = sum(cut or 0.0 for _, cut in links[:-1]) + float(clip.duration or source.duration)
    lyrics = "\n\n".join(link.task.lyrics.strip() for link, _ in links if link.task.lyrics.strip())
    task = new_task(
        key,
        "MUSIC",
        CONCAT_MODE,
        now,
        notify_hook="",
        mv=source.mv,
        input_json=json.dumps({"task": CONCAT_MODE, "clip_id": clip.id}),
        gpt_description_prompt=first.gpt_description_prompt,
        title=source.title,
        tags=source.tags,
        negative_tags=source.negative_tags,
        lyrics=lyrics,
        make_instrumental=source.make_instrumental,
        duration=round(duration, 3),
        continue_clip_id=clip.id,
        continue_at=None,
    )
    task.clips = new_clips(1, now)
    repository.add(session, task)
    task_id = task.id
    after_commit(session, lambda: enqueue(task_id))
    return task
