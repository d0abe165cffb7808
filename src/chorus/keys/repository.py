"""All SQL about API keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chorus.keys.models import ApiKey


def by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()


def by_name(session: Session, name: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.name == name)).first()


def admin(session: Session) -> ApiKey | None:
    query = select(ApiKey).where(ApiKey.is_admin.is_(True)).order_by(ApiKey.id)
    return session.scalars(query).first()


def add(session: Session, key: ApiKey) -> ApiKey:
    session.add(key)
    session.flush()
    return key


def all_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def by_id(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)
