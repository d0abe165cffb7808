"""Downloads of a finished clip: WAV, MIDI and stems, made on demand and kept.

* WAV: the final MP3 decoded to 16-bit PCM (``song.wav``).
* MIDI: the score the clip was rendered from (``song.mid``, written with every clip;
  a joined clip has the parts' MIDI joined).
* Stems: vocals, drums, bass and other as WAV. A clip rendered without them is rendered
  again with the same request and seed and ``stems=True`` (the engine is deterministic in
  request and seed, so the stems are those of the song already heard) in a scratch folder
  of the clip, from which only ``stems/`` is kept. Requests for the same clip at the same
  time share one render.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from chorus.acts.concat import CONCAT_MODE, ClipNotComplete
from chorus.engine.request import Continuation, SongRequest
from chorus.engine.score import Score
from chorus.exceptions import ChorusError
from chorus.keys.service import KeyInfo
from chorus.media.service import clip_dir
from chorus.state import AppState
from chorus.tasks.lifecycle import requested_voice
from chorus.tasks.service import TaskNotFound
from chorus.tasks.views import ClipView, TaskView

STEMS = ("vocals", "drums", "bass", "other")
_SCRATCH = ".stems-render"
# One stems render per clip at a time, shared by whoever asks meanwhile.
_rendering: dict[str, asyncio.Future[Path]] = {}


class NoStems(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """This clip has no stems."""

    status_code = 409
    code = "stems_unavailable"


class NoMidi(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """This clip has no MIDI file."""

    status_code = 409
    code = "midi_unavailable"


class NoRenderer(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """No render processes run in this server."""

    status_code = 503
    code = "service_busy"


async def owned_clip(state: AppState, key: KeyInfo, clip_id: str) -> tuple[TaskView, ClipView]:
    """The clip and its task if ``key`` made it; any other key's clip does not exist."""
    task_id = await state.tasks.clip_task(clip_id)
    view = await state.tasks.view(task_id) if task_id is not None else None
    if view is not None and view.key_id == key.id:
        for clip in view.clips:
            if clip.id == clip_id:
                return view, clip
    raise TaskNotFound("clip_id: no such clip")


def complete_folder(state: AppState, clip: ClipView) -> Path:
    if clip.status != "complete":
        raise ClipNotComplete(f"clip_id: the clip is {clip.status}, not complete yet")
    folder = clip_dir(state.settings.media_dir, clip.id, clip.attempt)
    if not (folder / "song.mp3").is_file():
        raise ClipNotComplete("clip_id: the clip's audio is not in this server")
    return folder


def make_wav(folder: Path) -> Path:
    """``song.wav`` of the clip in ``folder``, decoded from its MP3 once."""
    # The decoder and numpy are loaded on the first download, not at start.
    from chorus.engine.encode import decode_audio, write_wav

    wav = folder / "song.wav"
    if not wav.is_file():
        audio, rate = decode_audio(folder / "song.mp3")
        write_wav(wav, audio, rate)
    return wav


def has_stems(folder: Path) -> bool:
    return all((folder / "stems" / f"{name}.wav").is_file() for name in STEMS)


async def _stems_request(state: AppState, view: TaskView, clip: ClipView) -> SongRequest:
    """The request the clip was rendered from, asking for stems this time."""
    continuation = None
    if view.continue_clip_id:
        parent_task = await state.tasks.clip_task(view.continue_clip_id)
        parent_view = await state.tasks.view(parent_task) if parent_task else None
        parent = next(
            (
                c
                for c in (parent_view.clips if parent_view else ())
                if c.id == view.continue_clip_id
            ),
            None,
        )
        if parent is None:
            raise NoStems("clip_id: the clip this one extends is gone; its stems cannot be made")
        score_file = clip_dir(state.settings.media_dir, parent.id, parent.attempt) / "score.json"
        score = await asyncio.to_thread(Score.load, score_file)
        continuation = Continuation(score=score, at=float(view.continue_at or 0.0))
    return SongRequest(
        tags=view.tags,
        negative_tags=view.negative_tags,
        title=view.title,
        lyrics=view.lyrics,
        instrumental=view.make_instrumental,
        duration=view.duration,
        seed=clip.seed,
        voice=requested_voice(view.input_json),
        continuation=continuation,
        stems=True,
    )


async def _render_stems(state: AppState, view: TaskView, clip: ClipView, folder: Path) -> Path:
    worker = state.worker
    if worker is None:
        raise NoRenderer("stems: no render processes run in this server; ask the one that does")
    request = await _stems_request(state, view, clip)
    scratch = folder / _SCRATCH
    await asyncio.to_thread(shutil.rmtree, scratch, True)
    try:
        await worker.render_extra(request, scratch)
        target = folder / "stems"
        await asyncio.to_thread(shutil.rmtree, target, True)
        await asyncio.to_thread((scratch / "stems").rename, target)
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)
    return folder / "stems"


async def stems(state: AppState, view: TaskView, clip: ClipView) -> Path:
    """The folder of the clip's stems, rendering them first if they are not kept."""
    folder = complete_folder(state, clip)
    if has_stems(folder):
        return folder / "stems"
    if view.mode == CONCAT_MODE:
        raise NoStems("clip_id: a joined clip has no stems; ask for the stems of its parts")
    if not (folder / "score.json").is_file():
        raise NoStems("clip_id: the clip was not made by the engine here; it has no stems")
    running = _rendering.get(clip.id)
    if running is not None:
        return await asyncio.shield(running)
    future: asyncio.Future[Path] = asyncio.get_running_loop().create_future()
    _rendering[clip.id] = future
    try:
        path = await _render_stems(state, view, clip, folder)
        future.set_result(path)
        return path
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as exc:
        future.set_exception(exc)
        future.exception()  # retrieved here, so nobody waiting is not an error
        raise
    finally:
        _rendering.pop(clip.id, None)
