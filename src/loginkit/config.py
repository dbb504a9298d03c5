"""Settings of the emulator server, from command-line options or ``LOGINKIT_*`` variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loginkit.core.policy import Policy

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///loginkit.sqlite3"


@dataclass(frozen=True, kw_only=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = DEFAULT_DATABASE_URL
    admin_token: str = field(repr=False)
    public_url: str | None = None
    """The base URL clients use to reach the server; defaults to http://host:port."""
    policy: Policy = field(default_factory=Policy)
    oauth_errors_http_200: bool = False
    """TikTok was seen answering OAuth errors with HTTP 200 and the error body; off by default."""
    seed_demo: bool = True
    """Load the demo app and test users into an empty database."""
    seed_file: Path | None = None
    max_body_bytes: int = 16_384
    auth_failures_per_minute: int = 10
    """Failed client authentications allowed per client_key and per address per minute."""

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
