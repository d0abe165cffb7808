"""Admin routes for API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from chorus.keys import service
from chorus.keys.dependencies import AdminKey
from chorus.keys.schemas import CreatedKey, CreateKey, KeyDetails
from chorus.state import app_state

router = APIRouter(prefix="/admin/keys", tags=["admin"])


@router.post("", status_code=201, response_model=CreatedKey)
async def create_key(body: CreateKey, request: Request, _admin: AdminKey) -> CreatedKey:
    def create(session: Session) -> CreatedKey:
        key, secret = service.create_key(
            session, body.name, credits=body.credits, dialect=body.dialect
        )
        return CreatedKey(key=secret, name=key.name)

    return await app_state(request).db.run(create)


@router.get("/{name}", response_model=KeyDetails)
async def get_key(name: str, request: Request, _admin: AdminKey) -> KeyDetails:
    def get(session: Session) -> KeyDetails:
        key = service.get_key(session, name)
        return KeyDetails(
            name=key.name,
            key_prefix=key.key_prefix,
            credits=key.credits,
            dialect=service.info(key).dialect,
            enabled=key.enabled,
            is_admin=key.is_admin,
            created_at=key.created_at,
        )

    return await app_state(request).db.run(get)
