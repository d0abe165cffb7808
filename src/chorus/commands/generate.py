"""``chorus generate IDEA``: make a song's two clips, here or on a server.

Without ``--server`` the lyrics writer and the engine run on this machine, the two clips
rendering side by side in two processes, their files under ``--out``/clip-1 and clip-2.
With ``--server`` and ``--key`` the song is made through the API and its URLs printed
(or its files downloaded with ``--out``).
"""

from __future__ import annotations

import argparse
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chorus.client import Task
from chorus.commands import _common
from chorus.commands._bars import ClipBars
from chorus.engine.request import MAX_DURATION_S, MIN_DURATION_S, SongRequest
from chorus.exceptions import InvalidRequest

CLIPS = 2
# The files worth naming after a local render (the growing stream.mp3 is not one).
_SHOWN = (".mp3", ".mp4", ".jpg", ".mid", ".json")
_SEED_SPACE = 2**62


@dataclass(frozen=True, slots=True)
class Song:
    title: str
    tags: str
    lyrics: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("idea", nargs="?", default="", help='e.g. "a lullaby about the sea"')
    parser.add_argument("--lyrics", type=Path, metavar="FILE", help="sing these lyrics")
    parser.add_argument("--tags", default="", help='style, e.g. "dreamy pop, female vocals"')
    parser.add_argument("--title", default="")
    parser.add_argument("--instrumental", action="store_true", help="no vocals")
    parser.add_argument("--voice", choices=("male", "female"))
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help=f"seconds per clip, {MIN_DURATION_S:g}-{MAX_DURATION_S:g} (120 here; "
        "the server's default with --server)",
    )
    parser.add_argument("--seed", type=int, default=None, help="same seed, same song (local)")
    parser.add_argument("--stems", action="store_true", help="also write WAV stems (local)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the files (./songs)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait (server)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    _common.server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if not (args.idea.strip() or args.lyrics or args.tags.strip() or args.title.strip()):
        raise InvalidRequest("idea: say what the song is about (or give --lyrics or --tags)")
    if args.server or args.key:
        return _remote(args)
    return _local(args)


# -- on this machine -------------------------------------------------------------------


def write(args: argparse.Namespace, seed: int, duration: float) -> Song:
    """The title, tags and lyrics to sing: given, or written from the idea for a song of
    ``duration`` seconds."""
    from chorus.lyrics import Fit, lyrics_from_title, write_song

    lyrics = _common.read_text(args.lyrics, "--lyrics") if args.lyrics else ""
    title, tags = args.title.strip(), args.tags.strip()
    if lyrics.strip() or (args.instrumental and not args.idea.strip()):
        return Song(title, tags, "" if args.instrumental else lyrics)
    fit = Fit(duration, tags, seeds=tuple((seed + n) % 2**63 for n in range(CLIPS)))
    if args.idea.strip():
        written = write_song(args.idea, seed=seed, instrumental=args.instrumental, fit=fit)
    else:
        written = lyrics_from_title(title, tags, seed=seed, fit=fit)
    return Song(title or written.title, tags or written.tags, written.lyrics)


def _local(args: argparse.Namespace) -> int:
    from chorus.commands._local import render_clips

    seed = args.seed if args.seed is not None else secrets.randbelow(_SEED_SPACE)
    duration = args.duration if args.duration is not None else 120.0
    song = write(args, seed, duration)
    requests = [
        SongRequest(
            tags=song.tags,
            title=song.title,
            lyrics=song.lyrics,
            instrumental=args.instrumental,
            duration=duration,
            seed=(seed + n) % 2**63,
            voice=args.voice,
            stems=args.stems,
        )
        for n in range(CLIPS)
    ]
    # Made once the requests are known to be good: a refused one leaves no folder behind.
    out = _common.make_dir(args.out or Path("songs"))
    jobs = [(request, out / f"clip-{n + 1}") for n, request in enumerate(requests)]
    with ClipBars(CLIPS, quiet=args.quiet) as bars:

        def show(message: tuple[int, float, str, float]) -> None:
            index, fraction, stage, seconds = message
            bars.update(index, fraction * 100, f"{stage} {seconds:5.1f} s")

        results = render_clips(jobs, show)
    print(f"{song.title}  [{song.tags}]")
    for n, result in enumerate(results, start=1):
        length = float(result.summary.get("duration", 0.0))
        print(f"clip {n} ({length:.1f} s): {result.out_dir.resolve()}")
        for path in sorted(result.out_dir.iterdir()):
            if path.is_file() and path.suffix in _SHOWN and path.name != "stream.mp3":
                print(f"  {path.resolve()}")
        if result.stems_dir.is_dir():
            print(f"  {result.stems_dir.resolve()}/")
    return 0


# -- through a server ------------------------------------------------------------------


def _remote(args: argparse.Namespace) -> int:
    lyrics = _common.read_text(args.lyrics, "--lyrics") if args.lyrics else None
    extra: dict[str, Any] = {}
    if args.duration is not None:
        extra["duration"] = args.duration
    if args.voice:
        extra["voice"] = args.voice
    with _common.client(args) as api:
        task_id = api.submit_music(
            gpt_description_prompt=None if lyrics else args.idea.strip() or None,
            prompt=lyrics,
            tags=args.tags.strip() or None,
            title=args.title.strip() or None,
            make_instrumental=args.instrumental or None,
            **extra,
        )
        with ClipBars(CLIPS, quiet=args.quiet) as bars:

            def show(task: Task) -> None:
                for index, clip in enumerate(task.clips[:CLIPS]):
                    percent = _common.clip_percent(clip, task.progress)
                    bars.update(index, percent, clip.status)

            task = api.wait(task_id, on_progress=show, poll_interval=1.0, timeout=args.timeout)
        print(f"task {task.task_id}")
        for n, clip in enumerate(task.clips, start=1):
            length = f" ({clip.duration:.1f} s)" if clip.duration else ""
            print(f"clip {n}: {clip.title}{length}")
            if args.out is not None:
                folder = _common.make_dir(args.out / f"clip-{n}")
                files = api.download(clip, folder, what=("audio", "image_large", "video"))
                for path in files.values():
                    print(f"  {path.resolve()}")
            else:
                for url in (clip.audio_url, clip.video_url, clip.image_large_url):
                    if url:
                        print(f"  {url}")
    return 0
