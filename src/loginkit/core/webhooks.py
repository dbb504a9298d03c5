"""TikTok's ``authorization.removed`` webhook: the event body and its ``TikTok-Signature``.

Body (developers.tiktok.com/doc/webhooks-events):
``{"client_key", "event", "create_time", "user_openid", "content"}`` where ``content`` is a JSON
*string* ``{"reason": n}``: 1 the user disconnected the app, 5 the developer revoked access.
Signature header: ``t=<unix time>,s=<hex HMAC-SHA256 of "<t>.<raw body>">``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import IntEnum

__all__ = [
    "AUTHORIZATION_REMOVED",
    "SIGNATURE_HEADER",
    "RemovalReason",
    "authorization_removed_body",
    "signature_header",
    "verify_signature",
]

AUTHORIZATION_REMOVED = "authorization.removed"
SIGNATURE_HEADER = "TikTok-Signature"


class RemovalReason(IntEnum):
    UNKNOWN = 0
    USER_DISCONNECTED = 1
    ACCOUNT_DELETED = 2
    AGE_CHANGED = 3
    ACCOUNT_BANNED = 4
    DEVELOPER_REVOKED = 5


def authorization_removed_body(
    client_key: str, open_id: str, reason: RemovalReason, now: int
) -> bytes:
    event = {
        "client_key": client_key,
        "event": AUTHORIZATION_REMOVED,
        "create_time": now,
        "user_openid": open_id,
        "content": json.dumps({"reason": int(reason)}),
    }
    return json.dumps(event, separators=(",", ":")).encode()


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},s={_digest(secret, timestamp, body)}"


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` is a valid ``TikTok-Signature`` of ``body`` (what a receiver checks)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    return hmac.compare_digest(fields.get("s", ""), _digest(secret, timestamp, body))
