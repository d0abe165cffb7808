"""Structured logs: one JSON object per line, with the request's and task's context.

``request_id``, ``task_id`` and ``key_name`` live in context variables, so every log line
written while handling a request or running a task carries them without being passed
around: the middleware binds the request id, the service binds the task and key with
:func:`log_context`. Contextvars follow asyncio tasks and ``anyio.to_thread`` calls.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import IO, Any

request_id_var: ContextVar[str | None] = ContextVar("chorus_request_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("chorus_task_id", default=None)
key_name_var: ContextVar[str | None] = ContextVar("chorus_key_name", default=None)

_CONTEXT_VARS: dict[str, ContextVar[str | None]] = {
    "request_id": request_id_var,
    "task_id": task_id_var,
    "key_name": key_name_var,
}
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    *_CONTEXT_VARS,
}
_HANDLER_NAME = "chorus"


def current_context() -> dict[str, str]:
    """The bound context fields that are set."""
    return {name: value for name, var in _CONTEXT_VARS.items() if (value := var.get())}


@contextmanager
def log_context(
    *, request_id: str | None = None, task_id: str | None = None, key_name: str | None = None
) -> Iterator[None]:
    """Bind the given fields for the duration of the block (None leaves a field as is)."""
    wanted = {"request_id": request_id, "task_id": task_id, "key_name": key_name}
    tokens: list[tuple[ContextVar[str | None], Token[str | None]]] = []
    for name, value in wanted.items():
        if value is not None:
            var = _CONTEXT_VARS[name]
            tokens.append((var, var.set(value)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Copies the bound context onto each record (``record.request_id``...; "-" if unset)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _CONTEXT_VARS.items():
            if not hasattr(record, name):
                setattr(record, name, var.get() or "-")
        return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (ISO 8601 UTC), ``level``, ``logger``, ``message``,
    the context fields that are set, any ``extra=`` fields, and ``exc_info`` as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT_VARS:
            value = getattr(record, name, None)
            if value and value != "-":
                entry[name] = value
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRS and not name.startswith("_"):
                entry[name] = _jsonable(value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s task=%(task_id)s "
    "key=%(key_name)s] %(message)s"
)


def configure_logging(
    level: str | int = "INFO", *, json: bool = True, stream: IO[str] | None = None
) -> logging.Handler:
    """Send every log record to ``stream`` (stderr), as JSON lines or readable text.

    Idempotent: a handler installed by an earlier call is replaced, other handlers are
    left alone. uvicorn's loggers are made to propagate here so access and error lines get
    the same format and context. Returns the installed handler.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv = logging.getLogger(name)
        uv.handlers.clear()
        uv.propagate = True
    return handler
