"""schemagen: turn a project's SQL into the test doubles its test suite needs."""

import functools
import logging

__version__ = "0.1.0"

# sqlglot logs statements it falls back to reading as a Command; schemagen reports every
# statement it cannot read itself, located, so its log lines would only repeat that raw.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


@functools.cache
def build_id() -> str:
    """schemagen's version, a digest of its own sources and its parsers' versions: what the
    caches kept between runs (statements read, compiled expressions) are valid for."""
    import hashlib
    from pathlib import Path

    import pglast
    import sqlglot

    parsers = f"{pglast.__version__} {getattr(sqlglot, '__version__', '')}"
    digest = hashlib.sha256(f"{__version__} {parsers}".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
