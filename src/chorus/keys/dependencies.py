"""The authentication dependencies used by every authenticated route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from chorus.keys.service import KeyInfo
from chorus.state import app_state

# Declared for the OpenAPI schema; the value is read below so that a bare key, a
# "Bearer" key and an "sk-" key all work.
_scheme = APIKeyHeader(name="Authorization", auto_error=False)


async def current_key(
    request: Request, _header: Annotated[str | None, Depends(_scheme)] = None
) -> KeyInfo:
    return await app_state(request).keys.authenticate(request.headers.get("authorization"))


async def admin_key(
    request: Request, _header: Annotated[str | None, Depends(_scheme)] = None
) -> KeyInfo:
    return await app_state(request).keys.authenticate_admin(request.headers.get("authorization"))


CurrentKey = Annotated[KeyInfo, Depends(current_key)]
AdminKey = Annotated[KeyInfo, Depends(admin_key)]
