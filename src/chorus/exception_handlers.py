"""One place renders every error in the contract's shape:
``{"code": "<error code>", "message": "<sentence naming the field>", "data": null}``.

Routes under ``/v1/`` (the OpenAI-compatible chat routes) answer OpenAI's shape instead,
``{"error": {"message", "type", "param", "code"}}``, since the clients calling them are
OpenAI clients that read only that."""

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


OPENAI_PREFIX = "/v1/"
_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": None}, status_code=status)


def openai_error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """OpenAI's error object; ``param`` is the field the message starts with."""
    field, sep, _ = message.partition(": ")
    param = field if sep and " " not in field else None
    kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    if code in ("quota_not_enough", "insufficient_user_quota", "insufficient_quota"):
        kind = "insufficient_quota"
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _respond(request: Request, status: int, code: str, message: str) -> JSONResponse:
    if request.url.path.startswith(OPENAI_PREFIX):
        return JSONResponse(openai_error_body(status, code, message), status_code=status)
    return error_response(status, code, message)


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


async def _chorus_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChorusError)
    response = _respond(request, exc.status_code, exc.code, exc.message)
    headers: dict[str, str] = getattr(exc, "headers", None) or {}
    response.headers.update(headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _respond(request, 400, "invalid_request", validation_message(list(exc.errors())))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    if exc.status_code == 404:
        message = f"path: no route {request.url.path}"
    elif exc.status_code == 405:
        message = f"method: {request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    response = _respond(request, exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return _respond(request, 500, "internal_error", "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ChorusError, _chorus_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
