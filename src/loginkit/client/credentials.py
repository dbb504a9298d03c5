"""Where ``loginkit login`` keeps the user's tokens: the OS keyring, else a 0600 JSON file.

``LOGINKIT_CREDENTIALS_FILE`` forces the file (and names it); otherwise the keyring is used
when a real backend exists, and ``$XDG_CONFIG_HOME/loginkit/credentials.json`` when not.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import keyring
import keyring.errors

from loginkit.client.models import TokenSet

__all__ = ["CredentialStore", "FileCredentials", "KeyringCredentials", "SavedLogin", "open_store"]

FILE_ENV = "LOGINKIT_CREDENTIALS_FILE"
KEYRING_SERVICE = "loginkit"
KEYRING_ACCOUNT = "tiktok"


@dataclass(frozen=True)
class SavedLogin:
    """A login of the terminal: which TikTok (``None`` = the real one), which app, the tokens."""

    base_url: str | None
    client_key: str
    tokens: TokenSet

    def to_json(self) -> str:
        return json.dumps(
            {"base_url": self.base_url, "client_key": self.client_key,
             "tokens": self.tokens.to_json()}
        )

    @classmethod
    def from_json(cls, raw: str) -> SavedLogin:
        data: dict[str, Any] = json.loads(raw)
        return cls(data["base_url"], data["client_key"], TokenSet.from_json(data["tokens"]))


class CredentialStore(Protocol):
    where: str

    def load(self) -> SavedLogin | None: ...

    def save(self, login: SavedLogin) -> None: ...

    def delete(self) -> None: ...


class FileCredentials:
    """A JSON file readable by its owner only, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def load(self) -> SavedLogin | None:
        try:
            return SavedLogin.from_json(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None

    def save(self, login: SavedLogin) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(login.to_json())
        os.replace(partial, self.path)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


class KeyringCredentials:
    where = "the system keyring"

    def load(self) -> SavedLogin | None:
        raw = keyring.get_password(KEYRING_SERVICE, KEYRING_ACCOUNT)
        return None if raw is None else SavedLogin.from_json(raw)

    def save(self, login: SavedLogin) -> None:
        keyring.set_password(KEYRING_SERVICE, KEYRING_ACCOUNT, login.to_json())

    def delete(self) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, KEYRING_ACCOUNT)


def _default_file() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "loginkit" / "credentials.json"


def open_store() -> CredentialStore:
    forced = os.environ.get(FILE_ENV)
    if forced:
        return FileCredentials(Path(forced))
    if keyring.get_keyring().priority > 0:  # the "fail" and "null" backends have priority 0
        return KeyringCredentials()
    return FileCredentials(_default_file())
