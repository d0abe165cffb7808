"""Liberal readers for scalar fields: servers send numbers as strings, nulls, "37%"...

Each reader takes whatever JSON value a server sent and returns the normalized value or a
default; none raises.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

# Unix times above this are in milliseconds (it is the year 5138 in seconds).
_MS_THRESHOLD = 100_000_000_000
_PERCENT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%?\s*$")


def text(value: Any, default: str = "") -> str:
    """A string field; numbers are written out, anything else gives ``default``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float) and math.isfinite(value):
        return str(value)
    return default


def opt_text(value: Any) -> str | None:
    """A string field that may be absent: empty strings and nulls become None."""
    result = text(value)
    return result or None


def number(value: Any) -> float | None:
    """A finite number from a number or a numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def duration(value: Any) -> float | None:
    """A length in seconds: a non-negative number, else None."""
    result = number(value)
    return result if result is not None and result >= 0 else None


def _seconds(value: Any) -> int | None:
    """Unix seconds from a number or numeric string (milliseconds are scaled), else None."""
    seconds = number(value)
    if seconds is None:
        return None
    if seconds >= _MS_THRESHOLD:
        seconds /= 1000
    return int(seconds) if seconds > 0 else 0


def unix_time(value: Any) -> int:
    """Unix seconds from seconds, milliseconds, a numeric string or ISO 8601; 0 if unknown."""
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    when = timestamp(value)
    return int(when.timestamp()) if when is not None else 0


def timestamp(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 or Unix seconds/milliseconds, else None."""
    seconds = _seconds(value)
    if seconds is None:
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def percent(value: Any) -> int | None:
    """Progress in percent from "37%", "37", 37 or 37.5, clamped to 0..100; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result: float | None = float(value) if math.isfinite(value) else None
    elif isinstance(value, str):
        match = _PERCENT.match(value)
        result = float(match.group(1)) if match else None
    else:
        result = None
    if result is None:
        return None
    return int(min(100.0, max(0.0, result)))


def mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}
