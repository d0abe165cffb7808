"""Compare our answers with the seed examples: same keys, same JSON types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed(name: str) -> dict[str, Any]:
    """``000_suno``, ``001_goapi``, ``002_flat`` or ``003_lyrics``."""
    data: dict[str, Any] = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def shape_problems(
    expected: Any, ours: Any, path: str = "$", id_maps: tuple[str, ...] = ()
) -> list[str]:
    """Where ``ours`` lacks a field of ``expected`` or has another JSON type. A null in the
    seed allows anything; objects whose path is in ``id_maps`` are maps keyed by ids, whose
    values are compared with the seed's first value."""
    if expected is None:
        return []
    if _kind(ours) != _kind(expected):
        return [f"{path}: seed has {_kind(expected)}, ours has {_kind(ours)}"]
    problems: list[str] = []
    if isinstance(expected, dict):
        if path in id_maps:
            template = next(iter(expected.values()))
            for key, value in ours.items():
                problems += shape_problems(template, value, f"{path}[{key}]", id_maps)
            return problems
        for key, value in expected.items():
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_problems(value, ours[key], f"{path}.{key}", id_maps)
    elif isinstance(expected, list) and expected:
        if not ours:
            problems.append(f"{path}: seed has items, ours is empty")
        for index, item in enumerate(ours):
            problems += shape_problems(expected[0], item, f"{path}[{index}]", id_maps)
    return problems
