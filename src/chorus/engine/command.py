"""``chorus render``: drive the engine from the shell and print the summary as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chorus.engine.progress import RenderProgress
from chorus.engine.request import DEFAULT_DURATION_S, SongRequest
from chorus.exceptions import ChorusError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tags", default="", help='style, e.g. "emotional punk"')
    parser.add_argument("--negative-tags", default="", help="styles or instruments to avoid")
    parser.add_argument("--title", default="")
    parser.add_argument("--lyrics", type=Path, help="a text file with the lyrics")
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--voice", choices=("male", "female"))
    parser.add_argument("--instrumental", action="store_true")
    parser.add_argument("--stems", action="store_true", help="also write WAV stems")
    parser.add_argument("--out", type=Path, required=True, help="folder for the files")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    from chorus.engine.render import render_song  # numpy and the synthesizers load only here

    lyrics = ""
    if args.lyrics is not None:
        try:
            lyrics = args.lyrics.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ChorusError(f"lyrics: cannot read {args.lyrics}: {exc}") from exc
    request = SongRequest(
        tags=args.tags,
        negative_tags=args.negative_tags,
        title=args.title,
        lyrics=lyrics,
        instrumental=args.instrumental,
        duration=args.duration,
        seed=args.seed,
        voice=args.voice,
        stems=args.stems,
    )

    def show(progress: RenderProgress) -> None:
        if not args.quiet:
            print(
                f"\r{progress.fraction * 100:5.1f}%  {progress.stage:<8} "
                f"{progress.audio_seconds:6.1f}s",
                end="",
                file=sys.stderr,
                flush=True,
            )

    # Nobody listens to a render from the shell while it is made: no growing stream.
    result = render_song(request, args.out, show, stream=False)
    if not args.quiet:
        print(file=sys.stderr)
    print(json.dumps(result.summary, ensure_ascii=False, indent=2))
    return 0
