"""Spotting a token that is really (part of) an error answer.

TikTok answers OAuth errors with HTTP 200 (seen in practice; e.g.
https://github.com/better-auth/better-auth/issues/3114), so an app that trusts the status code
may store ``{"error": ...}`` — or one of its fields — as if it were a token.
"""

from __future__ import annotations

import re

__all__ = ["is_error_body_part", "quoted_log_id"]

_OAUTH_ERROR_CODES = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_grant_type",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
        "rate_limit_exceeded",
    }
)
_LOG_ID = re.compile(r"\d{14}[0-9A-F]{20}")


def is_error_body_part(raw: str) -> bool:
    """A JSON error body, or its ``error`` or ``log_id`` value."""
    value = raw.strip()
    return (
        value.startswith("{")
        or '"error' in value
        or value in _OAUTH_ERROR_CODES
        or bool(_LOG_ID.fullmatch(value))
    )


def quoted_log_id(raw: str) -> str | None:
    """The log_id an error body (or part of one) carries: the request that answered it."""
    found = _LOG_ID.search(raw)
    return found.group() if found else None
