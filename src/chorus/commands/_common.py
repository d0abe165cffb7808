"""What the song commands share: the server options, reading files, one-line errors."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chorus.client import Client, Clip, TransportError
from chorus.exceptions import ChorusError, InvalidRequest

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def server_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    where = "" if required else " (without it, everything runs on this machine)"
    parser.add_argument("--server", metavar="URL", help=f"a Chorus or Suno-API server{where}")
    parser.add_argument("--key", help="API key for --server")


@contextmanager
def client(args: argparse.Namespace) -> Iterator[Client]:
    """A client of ``--server`` with ``--key`` (both are needed), closed on exit; a server
    that cannot be reached is said so in one line."""
    if not args.server:
        raise InvalidRequest("--server: the server's URL is required", field="server")
    if not args.key:
        raise InvalidRequest("--key: an API key is required with --server", field="key")
    if not re.match(r"^https?://", args.server):
        raise InvalidRequest("--server: must be an http:// or https:// URL", field="server")
    with Client(args.server, args.key, timeout=60) as api:
        try:
            yield api
        except TransportError as exc:
            raise ChorusError(f"--server: cannot reach {args.server} ({exc.message})") from exc


def read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidRequest(f"{what}: cannot read {path}: {reason}", field=what) from exc


def make_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChorusError(f"--out: cannot create {path}: {exc.strerror or exc}") from exc
    return path


def clip_percent(clip: Clip, fallback: int) -> float:
    """A clip's own progress when the server reports one (Chorus does), else the task's."""
    if clip.status == "complete":
        return 100.0
    raw = clip.raw.get("progress")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, str) and (found := _PERCENT.match(raw)):
        return float(found.group(1))
    return float(fallback)
