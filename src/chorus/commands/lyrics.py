"""``chorus lyrics IDEA``: a title, style tags and lyrics for an idea.

Written on this machine by the built-in writer (deterministic with ``--seed``), or by a
server's LYRICS task with ``--server`` and ``--key``.
"""

from __future__ import annotations

import argparse
import secrets

from chorus.commands import _common
from chorus.exceptions import InvalidRequest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("idea", help='what the song is about, e.g. "a lullaby about the sea"')
    parser.add_argument("--seed", type=int, default=None, help="same seed, same lyrics (local)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait (server)")
    _common.server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    idea = args.idea.strip()
    if not idea:
        raise InvalidRequest("idea: say what the song is about", field="idea")
    if args.server or args.key:
        with _common.client(args) as api:
            task = api.wait(api.submit_lyrics(idea), poll_interval=0.5, timeout=args.timeout)
        result = task.lyrics
        if result is None:
            raise InvalidRequest("the server answered no lyrics for this task")
        tags = result.raw.get("tags")
        _show(result.title, tags if isinstance(tags, str) else "", result.text)
        return 0
    from chorus.lyrics import write_song

    seed = args.seed if args.seed is not None else secrets.randbelow(2**62)
    song = write_song(idea, seed=seed)
    _show(song.title, song.tags, song.lyrics)
    return 0


def _show(title: str, tags: str, lyrics: str) -> None:
    print(f"Title: {title}")
    if tags:
        print(f"Tags: {tags}")
    print()
    print(lyrics.strip("\n"))
