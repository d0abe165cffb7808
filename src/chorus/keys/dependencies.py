"""The authentication dependencies used by every authenticated route.

``SubmitKey`` and ``FetchKey`` also count the request against the key's rate (submit:
strict; fetch: gentler) and answer 429 with ``Retry-After`` past it. Every route that
starts work takes ``SubmitKey``; every route that reads a task takes ``FetchKey``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from chorus.keys.service import KeyInfo
from chorus.observability.logging import key_name_var
from chorus.ratelimit import Rate, enforce
from chorus.state import app_state

# Declared for the OpenAPI schema; the value is read below so that a bare key, a
# "Bearer" key and an "sk-" key all work.
_scheme = APIKeyHeader(name="Authorization", auto_error=False)


async def current_key(
    request: Request, _header: Annotated[str | None, Depends(_scheme)] = None
) -> KeyInfo:
    key = await app_state(request).keys.authenticate(request.headers.get("authorization"))
    # Each request runs in its own context copy, so this binding ends with the request.
    key_name_var.set(key.name)
    return key


async def admin_key(
    request: Request, _header: Annotated[str | None, Depends(_scheme)] = None
) -> KeyInfo:
    key = await app_state(request).keys.authenticate_admin(request.headers.get("authorization"))
    key_name_var.set(key.name)
    return key


async def submit_key(request: Request, key: Annotated[KeyInfo, Depends(current_key)]) -> KeyInfo:
    state = app_state(request)
    per_min = key.rate_submit_per_min or state.settings.rate_submit_per_min
    await enforce(state.limiter, f"submit:{key.id}", Rate.per_minute(per_min))
    return key


async def fetch_key(request: Request, key: Annotated[KeyInfo, Depends(current_key)]) -> KeyInfo:
    state = app_state(request)
    per_min = key.rate_fetch_per_min or state.settings.rate_fetch_per_min
    await enforce(state.limiter, f"fetch:{key.id}", Rate.per_minute(per_min))
    return key


CurrentKey = Annotated[KeyInfo, Depends(current_key)]
AdminKey = Annotated[KeyInfo, Depends(admin_key)]
SubmitKey = Annotated[KeyInfo, Depends(submit_key)]
FetchKey = Annotated[KeyInfo, Depends(fetch_key)]
