"""PKCE for the client side: a fresh verifier and its S256 challenge.

TikTok's desktop docs say "You must use hex encoding of SHA256"; web integrators use the RFC's
base64url. The encoding is therefore a parameter, hex by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from loginkit.core import pkce as _pkce

__all__ = ["PKCE", "ChallengeEncoding"]

ChallengeEncoding = Literal["hex", "base64url"]


@dataclass(frozen=True)
class PKCE:
    verifier: str = field(repr=False)
    challenge: str
    method: str = "S256"

    @classmethod
    def generate(cls, encoding: ChallengeEncoding = "hex") -> PKCE:
        verifier = _pkce.create_verifier(64)
        return cls(verifier, _pkce.create_challenge(verifier, encoding))
