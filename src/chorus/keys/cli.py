"""``chorus keys ...``: the admin key routes from the shell, on the database directly.

A running server sees a change within its key cache's life (30 s).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from chorus.config import Settings
from chorus.keys import service
from chorus.keys.models import ApiKey

DIALECT_CHOICES = ("suno", "flat", "goapi", "default")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="database and media folder (./data)"
    )


def _named(actions: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
    parser.add_argument("--name", required=True, help="the key's name")
    _data_dir(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="keys_action", required=True)
    create = actions.add_parser("create", help="create a user API key and print it")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--credits", type=int, default=None, help="starting balance (default_key_credits)"
    )
    create.add_argument("--dialect", choices=("suno", "flat", "goapi"), default=None)
    _data_dir(create)
    _data_dir(actions.add_parser("list", help="list keys, one per line"))
    _named(actions, "show", "show one key, its balance and its webhook secret")
    _named(actions, "disable", "refuse the key from now on")
    _named(actions, "enable", "accept the key again")
    credits = _named(actions, "credits", "set the key's balance (an adjust row of the ledger)")
    credits.add_argument("--set", dest="credits", type=int, required=True)
    credits.add_argument("--note", default="")
    dialect = _named(actions, "dialect", "set the answer shape of the key's fetches")
    dialect.add_argument("--set", dest="dialect", choices=DIALECT_CHOICES, required=True)
    limits = _named(actions, "limits", "set the key's limits (0: the server's setting)")
    limits.add_argument("--submit-per-min", type=int, default=None)
    limits.add_argument("--fetch-per-min", type=int, default=None)
    limits.add_argument("--max-running", type=int, default=None)
    _named(actions, "rotate-secret", "give the key a new webhook secret and print it")


def _line(key: ApiKey) -> str:
    state = "enabled" if key.enabled else "disabled"
    role = " admin" if key.is_admin else ""
    return (
        f"{key.name}\t{key.key_prefix}...\tcredits={key.credits}\t"
        f"dialect={key.dialect or 'default'}\t{state}{role}"
    )


def _show(key: ApiKey) -> str:
    fields = {
        "name": key.name,
        "key_prefix": key.key_prefix,
        "credits": key.credits,
        "dialect": key.dialect or "default",
        "enabled": key.enabled,
        "is_admin": key.is_admin,
        "webhook_secret": key.webhook_secret or "",
        "rate_submit_per_min": key.rate_submit_per_min or "default",
        "rate_fetch_per_min": key.rate_fetch_per_min or "default",
        "max_running": key.max_running or "default",
    }
    return "\n".join(f"{name}: {value}" for name, value in fields.items())


def _limit(given: int | None, current: int | None) -> int | None:
    if given is None:
        return current
    return given or None


def _action(args: argparse.Namespace, settings: Settings) -> Callable[[Session], str]:
    action: str = args.keys_action
    if action == "create":
        credits = settings.default_key_credits if args.credits is None else args.credits

        def create(session: Session) -> str:
            _, secret = service.create_key(
                session, args.name, credits=credits, dialect=args.dialect
            )
            return secret

        return create
    if action == "list":
        return lambda session: "\n".join(_line(k) for k in service.list_keys(session))
    if action == "show":
        return lambda session: _show(service.get_key(session, args.name))
    if action in ("disable", "enable"):
        return lambda session: _line(service.set_enabled(session, args.name, action == "enable"))
    if action == "credits":
        return lambda session: _line(
            service.set_credits(session, args.name, args.credits, args.note)
        )
    if action == "dialect":
        chosen = None if args.dialect == "default" else args.dialect
        return lambda session: _line(service.set_dialect(session, args.name, chosen))
    if action == "limits":

        def limits(session: Session) -> str:
            key = service.get_key(session, args.name)
            service.set_limits(
                session,
                args.name,
                rate_submit_per_min=_limit(args.submit_per_min, key.rate_submit_per_min),
                rate_fetch_per_min=_limit(args.fetch_per_min, key.rate_fetch_per_min),
                max_running=_limit(args.max_running, key.max_running),
            )
            return _show(key)

        return limits
    assert action == "rotate-secret"
    return lambda session: service.rotate_webhook_secret(session, args.name).webhook_secret or ""


def run(args: argparse.Namespace, settings: Settings) -> int:
    from chorus.db import Database

    db = Database(settings)
    try:
        db.migrate()
        output = db.call(_action(args, settings))
    finally:
        db.dispose()
    if output:
        print(output)
    return 0
