"""One place renders every error in the contract's shape:
``{"code": "<error code>", "message": "<sentence naming the field>", "data": null}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chorus.exceptions import ChorusError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": None}, status_code=status)


def validation_message(errors: list[Any]) -> str:
    """``field: problem`` for the first problem (FastAPI's 422 list never leaks)."""
    if not errors:
        return "body: not valid"
    error = errors[0]
    location = [str(part) for part in error.get("loc", ())]
    where = location[0] if location else "body"
    path = [part for part in location[1:] if part not in _LOCATIONS]
    field = ".".join(path) or where
    kind = error.get("type", "")
    if kind == "json_invalid":
        return "body: not valid JSON"
    if kind == "missing" and not path:
        return f"{where}: required"
    message = str(error.get("msg", "not valid"))
    return f"{field}: {message[:1].lower()}{message[1:]}"


async def _chorus_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChorusError)
    return error_response(exc.status_code, exc.code, exc.message)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, "invalid_request", validation_message(list(exc.errors())))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    if exc.status_code == 404:
        message = f"path: no route {request.url.path}"
    elif exc.status_code == 405:
        message = f"method: {request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    response = error_response(exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ChorusError, _chorus_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
