"""Keep secrets and tokens out of logs and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

REDACTED = "[redacted]"
SECRET_FIELDS = frozenset({"client_secret", "code", "code_verifier", "refresh_token", "token"})
"""Form fields whose values must never be shown."""

# TikTok's token prefixes (act. access, rft. refresh, clt. client) followed by the opaque rest.
_TOKEN_SHAPED = re.compile(r"\b(?:act|rft|clt)\.[^\s\"'&,;]+")


def secrets_in(form: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(value for name, value in form.items() if name in SECRET_FIELDS and value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each of ``secrets`` and anything shaped like a TikTok token replaced."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPED.sub(REDACTED, text)
