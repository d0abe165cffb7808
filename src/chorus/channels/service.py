"""The rules of channels: what a valid channel is, creating, changing and listing them.

The ``local`` channel (the built-in engine) is created by a migration and can be
disabled, re-prioritized or narrowed to some models, but not removed or re-created.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from chorus.channels import repository
from chorus.channels.models import Channel
from chorus.channels.routing import ACTIONS, ChannelInfo
from chorus.channels.schemas import ChannelDetails, CreateChannel, UpdateChannel
from chorus.exceptions import ChorusError, InvalidRequest, NotFound
from chorus.tasks.catalog import MODEL_VERSIONS

LOCAL = "local"
KINDS = ("local", "relay", "suno-web")
_OPTIONS = {"suno-web": ("clerk_url",)}


class ChannelNotFound(NotFound):
    """No channel has this name."""

    code = "channel_not_exist"


class ChannelExists(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """A channel with this name already exists."""

    status_code = 409
    code = "channel_exists"


def _check_url(url: str, field: str) -> str:
    value = url.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequest(f"{field}: must be an http or https URL", field=field)
    return value


def _check_models(models: list[str]) -> list[str]:
    known = set(MODEL_VERSIONS) | set(ACTIONS)
    for value in models:
        if value not in known:
            raise InvalidRequest(
                f"models: unknown model or action {value!r}; use mv values, MUSIC or LYRICS",
                field="models",
            )
    return list(dict.fromkeys(models))


def _check_options(kind: str, options: dict[str, str]) -> dict[str, str]:
    allowed = _OPTIONS.get(kind, ())
    for name, value in options.items():
        if name not in allowed:
            raise InvalidRequest(f"options: {name!r} is not a setting of {kind}", field="options")
        if name.endswith("_url"):
            options[name] = _check_url(value, f"options.{name}")
    return options


def _check_kind_fields(kind: str, base_url: str, secret: str) -> str:
    if kind == "relay":
        return _check_url(base_url, "base_url")
    if kind == "suno-web":
        if not secret.strip():
            raise InvalidRequest("secret: the Suno account's cookie is required", field="secret")
        return _check_url(base_url, "base_url") if base_url.strip() else ""
    return ""


def create(session: Session, body: CreateChannel) -> Channel:
    if body.kind == "local":
        raise InvalidRequest("kind: the local channel exists already; change it instead",
                             field="kind")  # fmt: skip
    if repository.by_name(session, body.name) is not None:
        raise ChannelExists(f"name: a channel named {body.name!r} already exists")
    now = time.time()
    channel = Channel(
        name=body.name,
        kind=body.kind,
        base_url=_check_kind_fields(body.kind, body.base_url, body.secret),
        secret=body.secret.strip(),
        models_json=json.dumps(_check_models(body.models)),
        priority=body.priority,
        weight=body.weight,
        max_concurrency=body.max_concurrency,
        enabled=body.enabled,
        options_json=json.dumps(_check_options(body.kind, dict(body.options))),
        created_at=now,
        updated_at=now,
    )
    return repository.add(session, channel)


def get(session: Session, name: str) -> Channel:
    channel = repository.by_name(session, name)
    if channel is None:
        raise ChannelNotFound(f"name: no channel named {name!r}")
    return channel


def update(session: Session, name: str, body: UpdateChannel) -> Channel:
    channel = get(session, name)
    if body.base_url is not None or body.secret is not None:
        base_url = channel.base_url if body.base_url is None else body.base_url
        secret = channel.secret if body.secret is None else body.secret
        if channel.kind == LOCAL:
            raise InvalidRequest("base_url: the local channel has no upstream", field="base_url")
        channel.base_url = _check_kind_fields(channel.kind, base_url, secret)
        channel.secret = secret.strip()
    if body.models is not None:
        channel.models_json = json.dumps(_check_models(body.models))
    if body.options is not None:
        channel.options_json = json.dumps(_check_options(channel.kind, dict(body.options)))
    for field in ("priority", "weight", "max_concurrency", "enabled"):
        value = getattr(body, field)
        if value is not None:
            setattr(channel, field, value)
    channel.updated_at = time.time()
    return channel


def ensure_local(session: Session) -> None:
    """Create the ``local`` channel if it is missing (a database older than channels)."""
    if repository.by_name(session, LOCAL) is None:
        now = time.time()
        repository.add(
            session,
            Channel(name=LOCAL, kind="local", base_url="", secret="", models_json="[]",
                    priority=0, weight=1, max_concurrency=0, enabled=True,
                    options_json="{}", created_at=now, updated_at=now),
        )  # fmt: skip


def info(channel: Channel) -> ChannelInfo:
    models = json.loads(channel.models_json or "[]")
    options = json.loads(channel.options_json or "{}")
    return ChannelInfo(
        name=channel.name,
        kind=channel.kind,
        base_url=channel.base_url,
        secret=channel.secret,
        models=tuple(str(m) for m in models),
        priority=channel.priority,
        weight=channel.weight,
        max_concurrency=channel.max_concurrency,
        enabled=channel.enabled,
        options=tuple(sorted((str(k), str(v)) for k, v in options.items())),
    )


def infos(session: Session) -> list[ChannelInfo]:
    return [info(channel) for channel in repository.all_channels(session)]


def details(channel: ChannelInfo, state: str, running: int) -> ChannelDetails:
    return ChannelDetails(
        name=channel.name,
        kind=channel.kind,  # type: ignore[arg-type]
        base_url=channel.base_url,
        has_secret=bool(channel.secret),
        models=list(channel.models),
        priority=channel.priority,
        weight=channel.weight,
        max_concurrency=channel.max_concurrency,
        enabled=channel.enabled,
        options=dict(channel.options),
        state=state,
        running=running,
    )
