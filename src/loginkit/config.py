"""Settings of the emulator server, from command-line options or ``LOGINKIT_*`` variables."""

from __future__ import annotations

import os
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
    seed_demo: bool = True
    """Load the demo app and test users into an empty database."""
    seed_file: Path | None = None
    max_body_bytes: int = 16_384
    auth_failures_per_minute: int = 10
    """Failed client authentications allowed per client_key and per address per minute."""
    portal_open_on_loopback: bool = False
    """``loginkit up`` (``make run``): the portal needs no admin login from 127.0.0.1 / ::1."""
    workers: int = 1
    """Server processes sharing the database (``serve --workers``)."""
    redis_url: str | None = None
    """Where processes share rate limits and the auth-failure throttle; in memory if None."""
    rate_limit_user_info: str = "600/minute"
    """Per client on ``/v2/user/info/``: TikTok documents 600 per 1-minute sliding window."""
    rate_limit_token: str = "1200/minute"  # noqa: S105 - a rate, not a secret
    """Per client on ``/v2/oauth/token/`` (and its refresh alias); TikTok documents none."""
    rate_limit_revoke: str = "600/minute"
    """Per client on ``/v2/oauth/revoke/``; TikTok documents none."""
    db_pool_size: int = 10
    """PostgreSQL connections kept open per process (as many again may open under bursts)."""
    db_timeout: float = 5.0
    """Seconds to connect, to wait for a pooled connection or for one statement."""
    secret_key: str | None = field(
        default_factory=lambda: os.environ.get("LOGINKIT_SECRET_KEY"), repr=False
    )
    """``LOGINKIT_SECRET_KEY``: the key of the stored client-secret hashes (HMAC-SHA-256), the same
    for every process sharing a PostgreSQL database (required there). Unset with SQLite: a key
    file beside the database file, made on first start."""

    @property
    def shares_database(self) -> bool:
        """Whether other processes may write the same database (and move its clock)."""
        return self.workers > 1 or not self.database_url.startswith("sqlite")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
