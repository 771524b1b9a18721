"""Plain helpers shared by the foundation tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any


def strip_locations(data: Any) -> Any:
    """A model's JSON without the `location` entries (file:line differs between inputs)."""
    if isinstance(data, dict):
        return {k: strip_locations(v) for k, v in data.items() if not k.endswith("location")}
    if isinstance(data, list):
        return [strip_locations(v) for v in data]
    return data


def differences(left: Any, right: Any, names: tuple[str, str], path: str = "") -> list[str]:
    """Where two nested descriptions differ, one `path: left ... != right ...` line each."""
    if isinstance(left, dict) and isinstance(right, dict):
        return [
            line
            for key in dict.fromkeys([*right, *left])
            for line in differences(left.get(key), right.get(key), names, f"{path}.{key}")
        ]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            line
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for line in differences(a, b, names, f"{path}[{i}]")
        ]
    if left == right:
        return []
    return [f"{path}: {names[0]} {left!r} != {names[1]} {right!r}"]
