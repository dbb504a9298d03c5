"""PKCE (RFC 7636) as TikTok speaks it: S256 only, challenge in hex or base64url.

TikTok's desktop docs and Android SDK send ``hex(sha256(verifier))``; web integrators send the
RFC's ``base64url(sha256(verifier))``. Both are accepted. ``plain`` is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

__all__ = [
    "VERIFIER_RE",
    "challenge_is_well_formed",
    "create_challenge",
    "create_verifier",
    "verifier_is_well_formed",
    "verify",
]

# Ours: TikTok's docs say 43-128, its Android SDK sends 32; we accept 32-128 unreserved chars.
VERIFIER_RE = re.compile(r"[A-Za-z0-9\-._~]{32,128}")
_HEX_CHALLENGE_RE = re.compile(r"[0-9a-fA-F]{64}")
_B64_CHALLENGE_RE = re.compile(r"[A-Za-z0-9\-_]{43}")


def create_verifier(length: int = 64) -> str:
    """A fresh random verifier of ``length`` unreserved characters (base64url: 6 random bits
    each, drawn in one call rather than one per character)."""
    return secrets.token_urlsafe(length)[:length]


def create_challenge(verifier: str, encoding: str = "hex") -> str:
    """The S256 challenge of ``verifier`` in ``hex`` (TikTok desktop) or ``base64url``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64url":
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    raise ValueError(f"unknown PKCE challenge encoding {encoding!r}")


def verifier_is_well_formed(verifier: str) -> bool:
    return VERIFIER_RE.fullmatch(verifier) is not None


def challenge_is_well_formed(challenge: str) -> bool:
    return bool(_HEX_CHALLENGE_RE.fullmatch(challenge) or _B64_CHALLENGE_RE.fullmatch(challenge))


def verify(verifier: str, challenge: str) -> bool:
    """Whether ``verifier`` matches ``challenge`` in either encoding, in constant time."""
    if not verifier_is_well_formed(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    if len(challenge) == 64:
        return hmac.compare_digest(digest.hex(), challenge.lower())
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(expected, challenge)
