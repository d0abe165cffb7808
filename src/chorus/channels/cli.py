"""``chorus channels add|list|enable|disable``: manage channels on the database directly
(the service picks changes up at its next routing decision)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from chorus.channels import repository, service
from chorus.channels.routing import ChannelInfo
from chorus.channels.schemas import CreateChannel, UpdateChannel
from chorus.config import Settings
from chorus.db import Database
from chorus.exception_handlers import validation_message
from chorus.exceptions import InvalidRequest

_M = TypeVar("_M", bound=BaseModel)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="channels_action", required=True)
    add = actions.add_parser("add", help="add an upstream channel")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", choices=("relay", "suno-web"), default="relay")
    add.add_argument("--base-url", default="", help="the upstream's API root")
    add.add_argument("--secret", default="", help="API key (relay) or cookie (suno-web)")
    add.add_argument("--models", default="", help="comma-separated mv values and actions")
    add.add_argument("--priority", type=int, default=0, help="higher is tried first")
    add.add_argument("--weight", type=int, default=1)
    add.add_argument("--max-concurrency", type=int, default=0, help="0: no limit")
    add.add_argument("--clerk-url", default=None, help="suno-web: the login service's root")
    listing = actions.add_parser("list", help="list channels")
    for name, text in (("enable", "put a channel back in routing"),
                       ("disable", "take a channel out of routing")):  # fmt: skip
        action = actions.add_parser(name, help=text)
        action.add_argument("name")
    for sub in (add, listing, *(actions.choices[n] for n in ("enable", "disable"))):
        sub.add_argument("--data-dir", type=Path, default=None, help="database folder")


def _validated(model: type[_M], **fields: Any) -> _M:
    try:
        return model(**fields)
    except ValidationError as exc:
        raise InvalidRequest(validation_message(list(exc.errors()))) from None


def _row(info: ChannelInfo, running: int) -> dict[str, Any]:
    return service.details(info, "-", running).model_dump()


def run(args: argparse.Namespace) -> int:
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    db = Database(settings)
    try:
        db.migrate()
        action: str = args.channels_action
        work: Callable[[Session], Any]
        if action == "add":
            body = _validated(
                CreateChannel,
                name=args.name, kind=args.kind, base_url=args.base_url, secret=args.secret,
                models=[m.strip() for m in args.models.split(",") if m.strip()],
                priority=args.priority, weight=args.weight,
                max_concurrency=args.max_concurrency,
                options={"clerk_url": args.clerk_url} if args.clerk_url else {},
            )  # fmt: skip

            def work(session: Session) -> Any:
                return [_row(service.info(service.create(session, body)), 0)]
        elif action == "list":

            def work(session: Session) -> Any:
                running = repository.running_counts(session)
                return [_row(i, running.get(i.name, 0)) for i in service.infos(session)]
        else:
            patch = UpdateChannel(enabled=action == "enable")

            def work(session: Session) -> Any:
                return [_row(service.info(service.update(session, args.name, patch)), 0)]

        rows = db.call(work)
    finally:
        db.dispose()
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    return 0
