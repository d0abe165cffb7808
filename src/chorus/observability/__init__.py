"""Metrics, structured logs, request ids and health answers."""

from chorus.observability.health import Check, database_check, healthz, readyz
from chorus.observability.logging import (
    JsonFormatter,
    configure_logging,
    current_context,
    key_name_var,
    log_context,
    request_id_var,
    task_id_var,
)
from chorus.observability.metrics import Metrics
from chorus.observability.middleware import RequestContextMiddleware, route_template

__all__ = [
    "Check",
    "JsonFormatter",
    "Metrics",
    "RequestContextMiddleware",
    "configure_logging",
    "current_context",
    "database_check",
    "healthz",
    "key_name_var",
    "log_context",
    "readyz",
    "request_id_var",
    "route_template",
    "task_id_var",
]
