"""Encryption at rest for stored tokens, with key rotation (MultiFernet).

Keys come from ``LOGINKIT_TOKEN_KEYS``: comma-separated Fernet keys, the first one encrypts,
all of them decrypt. To rotate: prepend a new key (``TokenCipher.generate_key()``), deploy, run
the store's ``rotate_keys()``, then drop the old key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["KEYS_ENV", "TokenCipher", "TokenDecryptionError"]

KEYS_ENV = "LOGINKIT_TOKEN_KEYS"


class TokenDecryptionError(Exception):
    """A stored token was encrypted with none of the configured keys (or was tampered with)."""


class TokenCipher:
    """Authenticated encryption of token strings; ``repr`` never shows the keys."""

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is required")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_env(cls, variable: str = KEYS_ENV) -> TokenCipher:
        raw = os.environ.get(variable, "")
        keys = [key.strip() for key in raw.split(",") if key.strip()]
        if not keys:
            raise RuntimeError(
                f"{variable} is not set: give it one or more Fernet keys (comma-separated, the "
                "first encrypts); make one with `python -c 'from loginkit.client.storage import "
                "TokenCipher; print(TokenCipher.generate_key())'`"
            )
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def __repr__(self) -> str:
        return "TokenCipher(<keys hidden>)"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise TokenDecryptionError("no configured key decrypts this stored token") from None

    def rotate(self, ciphertext: str) -> str:
        """The same plaintext re-encrypted under the current (first) key."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise TokenDecryptionError("no configured key decrypts this stored token") from None
