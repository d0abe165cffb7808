"""Admin routes for API keys: create, list, show, change (enable, dialect, limits),
set the balance, rotate the webhook secret. All need the admin key."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from chorus.keys import service
from chorus.keys.dependencies import AdminKey
from chorus.keys.models import ApiKey
from chorus.keys.schemas import CreatedKey, CreateKey, KeyDetails, SetCredits, UpdateKey
from chorus.state import app_state

router = APIRouter(prefix="/admin/keys", tags=["admin"])


def details(key: ApiKey) -> KeyDetails:
    return KeyDetails(
        name=key.name,
        key_prefix=key.key_prefix,
        credits=key.credits,
        dialect=service.info(key).dialect,
        enabled=key.enabled,
        is_admin=key.is_admin,
        created_at=key.created_at,
        webhook_secret=key.webhook_secret,
        rate_submit_per_min=key.rate_submit_per_min,
        rate_fetch_per_min=key.rate_fetch_per_min,
        max_running=key.max_running,
    )


async def _change(request: Request, change: Callable[[Session], ApiKey]) -> KeyDetails:
    state = app_state(request)
    answer = await state.db.run(lambda session: details(change(session)))
    state.keys.clear()
    return answer


@router.post("", status_code=201, response_model=CreatedKey)
async def create_key(body: CreateKey, request: Request, _admin: AdminKey) -> CreatedKey:
    """A new user key with ``credits`` (the server's ``default_key_credits`` when absent)."""
    settings = app_state(request).settings
    credits = settings.default_key_credits if body.credits is None else body.credits

    def create(session: Session) -> CreatedKey:
        key, secret = service.create_key(session, body.name, credits=credits, dialect=body.dialect)
        if body.model_fields_set & {"rate_submit_per_min", "rate_fetch_per_min", "max_running"}:
            service.set_limits(
                session,
                key.name,
                rate_submit_per_min=body.rate_submit_per_min,
                rate_fetch_per_min=body.rate_fetch_per_min,
                max_running=body.max_running,
            )
        return CreatedKey(key=secret, name=key.name)

    return await app_state(request).db.run(create)


@router.get("", response_model=list[KeyDetails])
async def list_keys(request: Request, _admin: AdminKey) -> list[KeyDetails]:
    def read(session: Session) -> list[KeyDetails]:
        return [details(key) for key in service.list_keys(session)]

    return await app_state(request).db.run(read)


@router.get("/{name}", response_model=KeyDetails)
async def get_key(name: str, request: Request, _admin: AdminKey) -> KeyDetails:
    """The key with its balance and its webhook secret."""
    return await app_state(request).db.run(lambda session: details(service.get_key(session, name)))


@router.patch("/{name}", response_model=KeyDetails)
async def update_key(name: str, body: UpdateKey, request: Request, _admin: AdminKey) -> KeyDetails:
    """Enable or disable the key, set its dialect or its limits (only the fields given)."""
    given = body.model_fields_set

    def change(session: Session) -> ApiKey:
        key = service.get_key(session, name)
        if "enabled" in given and body.enabled is not None:
            service.set_enabled(session, name, body.enabled)
        if "dialect" in given:
            service.set_dialect(session, name, body.dialect)
        limits = ("rate_submit_per_min", "rate_fetch_per_min", "max_running")
        if given & set(limits):
            current = {field: getattr(key, field) for field in limits}
            current.update({field: getattr(body, field) for field in limits if field in given})
            service.set_limits(session, name, **current)
        return key

    return await _change(request, change)


@router.put("/{name}/credits", response_model=KeyDetails)
async def set_credits(
    name: str, body: SetCredits, request: Request, _admin: AdminKey
) -> KeyDetails:
    """Set the balance; the difference is an ``adjust`` row of the ledger."""
    return await _change(
        request, lambda session: service.set_credits(session, name, body.credits, body.note)
    )


@router.post("/{name}/rotate-secret", response_model=KeyDetails)
async def rotate_secret(name: str, request: Request, _admin: AdminKey) -> KeyDetails:
    """A new webhook secret; callbacks are signed with it from now on."""
    return await _change(request, lambda session: service.rotate_webhook_secret(session, name))
