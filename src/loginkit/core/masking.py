"""How a secret value may appear in records, explanations and pages: a short prefix, never whole.

Client secrets, codes, tokens and verifiers are shown as at most their first seven characters and
never more than a quarter of the value, so ``act.AbC…`` tells tokens apart without revealing one.
"""

from __future__ import annotations

__all__ = ["SECRET_PARAMS", "mask"]

SECRET_PARAMS = frozenset(
    {"client_secret", "code", "code_verifier", "refresh_token", "access_token", "token"}
)
"""Request parameters whose values are secrets (our choice: every credential TikTok takes)."""

_MAX_PREFIX = 7


def mask(value: str) -> str:
    """``act.AbC…`` for ``act.AbCdEf…``; an empty value stays empty."""
    if not value:
        return value
    return value[: min(_MAX_PREFIX, len(value) // 4)] + "…"
