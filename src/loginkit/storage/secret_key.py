"""The key of the client-secret hashes, kept out of the database it protects.

``LOGINKIT_SECRET_KEY`` when set (required with PostgreSQL, where every process sharing the
database must use the same key); otherwise, for the embedded SQLite default, a random key in a
file beside the database (``loginkit.sqlite3.key``, mode 0600), made on first start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from loginkit.core.secrets import SecretHasher

__all__ = ["SecretKeyError", "key_file_path", "load_secret_key"]

MIN_KEY_LENGTH = SecretHasher.MIN_KEY_BYTES


class SecretKeyError(Exception):
    """No usable key: the message says what to set."""


def key_file_path(database_url: str) -> Path | None:
    """Where the key of a SQLite database is kept; None for other databases."""
    if not database_url.startswith("sqlite:///"):
        return None
    return Path(database_url.removeprefix("sqlite:///") + ".key")


def load_secret_key(database_url: str, configured: str | None) -> bytes:
    """The key for ``database_url``: ``configured`` (``LOGINKIT_SECRET_KEY``) or the key file.

    Raises: SecretKeyError when none is configured for PostgreSQL, or the key is too short.
    """
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise SecretKeyError(
                f"LOGINKIT_SECRET_KEY must be at least {MIN_KEY_LENGTH} characters"
            )
        return configured.encode()
    path = key_file_path(database_url)
    if path is None:
        raise SecretKeyError(
            "LOGINKIT_SECRET_KEY is required with PostgreSQL: set the same key for every"
            " process that shares the database"
        )
    return _key_file(path)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        _create_key_file(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise SecretKeyError(
            f"{path} holds no usable key: restore it, or remove it with the database"
        )
    return key.encode()


def _create_key_file(path: Path) -> None:
    """Written whole, then linked into place: a process starting beside us reads all or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(draft, path)
    finally:
        os.unlink(draft)
