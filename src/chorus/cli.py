"""The ``chorus`` command.

Each subcommand is one entry of :data:`COMMANDS`: a help line, a function adding its
arguments, and a function running it (returning the exit status). Adding a command is
adding an entry.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chorus.commands import generate as generate_command
from chorus.commands import lyrics as lyrics_command
from chorus.commands import status as status_command
from chorus.config import Settings
from chorus.engine import command as render_command
from chorus.exceptions import ChorusError


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides = {name: value for name, value in extra.items() if value is not None}
    if getattr(args, "data_dir", None) is not None:
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides)


def _data_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="database and media folder (./data)"
    )


# -- serve -----------------------------------------------------------------------------


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (8000)")
    _data_dir_argument(parser)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from chorus.app import create_app
    from chorus.db import Database
    from chorus.keys.service import bootstrap_admin
    from chorus.observability import configure_logging

    settings = _settings(args, host=args.host, port=args.port)
    configure_logging(settings.log_level, json=settings.log_json)
    db = Database(settings)
    db.migrate()
    generated = db.call(bootstrap_admin, settings.admin_key)
    db.dispose()
    if generated:
        print(f"admin key (shown once, keep it): {generated}", flush=True)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        # Logging is configured above (JSON lines with request, task and key).
        log_config=None,
        # Growing audio streams would otherwise hold a shutdown open until they end.
        timeout_graceful_shutdown=3,
    )
    return 0


# -- keys ------------------------------------------------------------------------------


def _keys_arguments(parser: argparse.ArgumentParser) -> None:
    from chorus.keys import cli as keys_cli

    keys_cli.add_arguments(parser)


def _keys(args: argparse.Namespace) -> int:
    from chorus.keys import cli as keys_cli

    return keys_cli.run(args, _settings(args))


def _channels_arguments(parser: argparse.ArgumentParser) -> None:
    from chorus.channels import cli as channels_cli

    channels_cli.add_arguments(parser)


def _channels(args: argparse.Namespace) -> int:
    from chorus.channels import cli as channels_cli

    return channels_cli.run(args)


COMMANDS: dict[str, Command] = {
    "serve": Command("run the HTTP service and its worker", _serve_arguments, _serve),
    "keys": Command("manage API keys", _keys_arguments, _keys),
    "channels": Command("manage upstream channels", _channels_arguments, _channels),
    "generate": Command(
        "make a song's two clips: here, or on a server with --server and --key",
        generate_command.add_arguments,
        generate_command.run,
    ),
    "lyrics": Command(
        "write a title, tags and lyrics for an idea",
        lyrics_command.add_arguments,
        lyrics_command.run,
    ),
    "status": Command("show a task on a server", status_command.add_arguments, status_command.run),
    "render": Command(
        "render one song to a folder with the built-in engine (no server)",
        render_command.add_arguments,
        render_command.run,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus", description="Chorus music service")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.add_arguments(commands.add_parser(name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except ChorusError as exc:
        print(f"chorus: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``chorus lyrics ... | head``): stop quietly, and keep
        # Python's final flush of stdout from complaining about it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
