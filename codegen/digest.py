"""The one digest helper: sha256 hex of text or bytes, and the stable JSON it is taken over.

Fingerprints, manifests, caches and source digests all hash the same way, so a value hashed
in one stage compares equal to the same value hashed in another.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256(data: str | bytes) -> str:
    """Hex sha256 of `data` (text is hashed as UTF-8)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def stable_json(value: Any) -> str:
    """`value` as JSON with sorted keys and ASCII only: the same value, the same text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
