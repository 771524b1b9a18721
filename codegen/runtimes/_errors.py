"""The one error shape of the generated package: postgrest-py's `APIError`.

Copied verbatim into generated packages (stdlib only). The RPC client's `RPCError` and the
in-memory database's `DatabaseError` are both this class, so a test catches either with
`except APIError` and reads the same `code` (a SQLSTATE, or PostgREST's PGRST...),
`message`, `details` and `hint`.
"""

from __future__ import annotations

from typing import Any


class APIError(Exception):
    """An error as PostgREST reports it: `code`, `message`, `details`, `hint`."""

    def __init__(
        self, message: str, code: str, details: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details
        self.hint = hint

    def json(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, "details": self.details,
                "hint": self.hint}  # fmt: skip

    def __str__(self) -> str:
        text = f"{self.message} ({self.code})"
        if self.details:
            text += f"\n  details: {self.details}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text
