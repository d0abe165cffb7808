"""The rules of API keys: format, hashing, creation, the admin key, and a lookup cache.

A key is ``sk-`` followed by 43 URL-safe characters. Clients may send it with or without
``Bearer `` and with or without ``sk-``; only the SHA-256 of the part after ``sk-`` is
stored, so a stolen database does not reveal usable keys.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import get_args

from sqlalchemy.orm import Session

from chorus.config import Dialect
from chorus.credits import service as credits_service
from chorus.db import Database
from chorus.exceptions import ChorusError, Forbidden, InvalidRequest, NotFound, Unauthorized
from chorus.keys import repository
from chorus.keys.models import ApiKey
from chorus.webhooks.signing import generate_secret

KEY_PREFIX = "sk-"
ADMIN_NAME = "admin"
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
# Keys change rarely; a short life bounds how long a disabled key keeps working.
CACHE_TTL_S = 30.0
_CACHE_MAX = 10_000


class KeyExists(ChorusError):  # noqa: N818  (named like the rest of the hierarchy)
    """A key with this name already exists."""

    status_code = 409
    code = "key_exists"


class KeyNotFound(NotFound):
    """No key has this name."""

    code = "key_not_exist"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What a request needs to know about the key that made it."""

    id: int
    name: str
    is_admin: bool
    enabled: bool
    dialect: Dialect | None
    # Per-key limits; None: the server's setting.
    rate_submit_per_min: int | None = None
    rate_fetch_per_min: int | None = None
    max_running: int | None = None


def normalize(raw: str) -> str:
    """The secret part of a key as sent in an ``Authorization`` header."""
    value = raw.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    if value.startswith(KEY_PREFIX):
        value = value[len(KEY_PREFIX) :]
    return value


def hash_key(raw: str) -> str:
    return hashlib.sha256(normalize(raw).encode("utf-8")).hexdigest()


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def info(key: ApiKey) -> KeyInfo:
    dialect = key.dialect if key.dialect in DIALECTS else None
    return KeyInfo(
        key.id,
        key.name,
        key.is_admin,
        key.enabled,
        dialect,
        key.rate_submit_per_min,
        key.rate_fetch_per_min,
        key.max_running,
    )


def validate_name(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidRequest(
            "name: 1 to 100 letters, digits or _.@- starting with a letter or digit",
            field="name",
        )
    return name


def create_key(
    session: Session,
    name: str,
    *,
    credits: int = 0,
    dialect: str | None = None,
    is_admin: bool = False,
    secret: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the secret (shown to the caller once)."""
    validate_name(name)
    if credits < 0:
        raise InvalidRequest("credits: must be 0 or more", field="credits")
    if dialect is not None and dialect not in DIALECTS:
        raise InvalidRequest(f"dialect: must be one of {', '.join(DIALECTS)}", field="dialect")
    if repository.by_name(session, name) is not None:
        raise KeyExists(f"name: a key named {name!r} already exists")
    secret = secret or new_secret()
    if not normalize(secret):
        raise InvalidRequest("key: must not be empty", field="key")
    key = ApiKey(
        name=name,
        key_hash=hash_key(secret),
        key_prefix=secret[:7],
        is_admin=is_admin,
        enabled=True,
        credits=0,
        dialect=dialect,
        webhook_secret=generate_secret(),
        created_at=time.time(),
    )
    repository.add(session, key)
    # The starting balance is the key's first ledger row.
    credits_service.grant(session, key.id, credits)
    session.refresh(key)
    return key, secret


def get_key(session: Session, name: str) -> ApiKey:
    key = repository.by_name(session, name)
    if key is None:
        raise KeyNotFound(f"name: no key named {name!r}")
    return key


def bootstrap_admin(session: Session, configured: str | None) -> str | None:
    """Make sure the admin key exists. With ``configured`` (``CHORUS_ADMIN_KEY``) it is
    that key; otherwise one is generated on the first start and returned (the only time
    it can be shown). Returns None when nothing new was generated."""
    current = repository.admin(session)
    if configured:
        wanted = hash_key(configured)
        if current is None:
            create_key(session, ADMIN_NAME, is_admin=True, secret=configured)
        elif current.key_hash != wanted:
            current.key_hash = wanted
            current.key_prefix = configured.strip()[:7]
        return None
    if current is not None:
        return None
    _, secret = create_key(session, ADMIN_NAME, is_admin=True)
    return secret


def lookup(session: Session, key_hash: str) -> KeyInfo | None:
    key = repository.by_hash(session, key_hash)
    return None if key is None else info(key)


class KeyCache:
    """Authenticates requests, remembering known keys for :data:`CACHE_TTL_S` so the hot
    path does not touch the database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[str, tuple[KeyInfo, float]] = {}

    async def authenticate(self, header: str | None) -> KeyInfo:
        if not header or not normalize(header):
            raise Unauthorized("Authorization: an API key is required")
        key_hash = hash_key(header)
        now = time.monotonic()
        hit = self._known.get(key_hash)
        if hit is not None and hit[1] > now:
            found: KeyInfo | None = hit[0]
        else:
            found = await self._db.run(lookup, key_hash)
            if found is not None:
                if len(self._known) >= _CACHE_MAX:
                    self._known.clear()
                self._known[key_hash] = (found, now + CACHE_TTL_S)
        if found is None:
            raise Unauthorized("Authorization: the API key is not valid")
        if not found.enabled:
            raise Unauthorized("Authorization: the API key is disabled")
        return found

    def clear(self) -> None:
        """Forget every key, so a change the admin just made applies to the next request."""
        self._known.clear()

    async def authenticate_admin(self, header: str | None) -> KeyInfo:
        key = await self.authenticate(header)
        if not key.is_admin:
            raise Forbidden("Authorization: this route needs the admin key")
        return key


def list_keys(session: Session) -> list[ApiKey]:
    return repository.all_keys(session)


def set_enabled(session: Session, name: str, enabled: bool) -> ApiKey:
    key = get_key(session, name)
    if key.is_admin and not enabled:
        raise InvalidRequest("name: the admin key cannot be disabled", field="name")
    key.enabled = enabled
    return key


def set_dialect(session: Session, name: str, dialect: str | None) -> ApiKey:
    if dialect is not None and dialect not in DIALECTS:
        raise InvalidRequest(f"dialect: must be one of {', '.join(DIALECTS)}", field="dialect")
    key = get_key(session, name)
    key.dialect = dialect
    return key


def set_limits(
    session: Session,
    name: str,
    *,
    rate_submit_per_min: int | None,
    rate_fetch_per_min: int | None,
    max_running: int | None,
) -> ApiKey:
    """Per-key limits; None puts a limit back to the server's setting."""
    for field, value in (
        ("rate_submit_per_min", rate_submit_per_min),
        ("rate_fetch_per_min", rate_fetch_per_min),
        ("max_running", max_running),
    ):
        if value is not None and value < 1:
            raise InvalidRequest(f"{field}: must be 1 or more", field=field)
    key = get_key(session, name)
    key.rate_submit_per_min = rate_submit_per_min
    key.rate_fetch_per_min = rate_fetch_per_min
    key.max_running = max_running
    return key


def set_credits(session: Session, name: str, credits: int, note: str = "") -> ApiKey:
    """Set the balance; the difference goes to the ledger as an ``adjust`` row."""
    key = get_key(session, name)
    credits_service.set_balance(session, key.id, credits, note)
    session.refresh(key)
    return key


def rotate_webhook_secret(session: Session, name: str) -> ApiKey:
    """A new secret signs the key's callbacks from now on (the old one stops at once)."""
    key = get_key(session, name)
    key.webhook_secret = generate_secret()
    return key
