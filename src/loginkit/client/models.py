"""Typed results: a user's token set with absolute expiry times, a client token, a profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["ClientToken", "Clock", "TokenSet", "UserProfile", "utc_now"]

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injectable for tests."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class TokenSet:
    """One user's grant to the app. Tokens are left out of ``repr`` so they never reach logs."""

    open_id: str
    scopes: tuple[str, ...]
    access_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_expires_at: datetime
    token_type: str = "Bearer"  # noqa: S105 - the token kind, not a secret

    def access_expires_within(self, skew: timedelta, now: datetime) -> bool:
        """Whether the access token is expired or will be within ``skew``."""
        return self.access_expires_at - skew <= now

    def refresh_expired(self, now: datetime) -> bool:
        return self.refresh_expires_at <= now

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (contains the tokens: store it only where secrets belong)."""
        return {
            "open_id": self.open_id,
            "scopes": list(self.scopes),
            "access_token": self.access_token,
            "access_expires_at": self.access_expires_at.isoformat(),
            "refresh_token": self.refresh_token,
            "refresh_expires_at": self.refresh_expires_at.isoformat(),
            "token_type": self.token_type,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenSet:
        return cls(
            open_id=data["open_id"],
            scopes=tuple(data["scopes"]),
            access_token=data["access_token"],
            access_expires_at=datetime.fromisoformat(data["access_expires_at"]),
            refresh_token=data["refresh_token"],
            refresh_expires_at=datetime.fromisoformat(data["refresh_expires_at"]),
            token_type=data.get("token_type", "Bearer"),
        )


@dataclass(frozen=True, kw_only=True)
class ClientToken:
    """An app-only token (``grant_type=client_credentials``): no user, no refresh token."""

    access_token: str = field(repr=False)
    expires_at: datetime
    token_type: str = "Bearer"  # noqa: S105 - the token kind, not a secret


@dataclass(frozen=True, kw_only=True)
class UserProfile:
    """``/v2/user/info/`` fields; a field is ``None`` when it was not requested.

    ``raw`` keeps TikTok's ``data.user`` object as received, for fields added after this class.
    """

    open_id: str | None = None
    union_id: str | None = None
    avatar_url: str | None = None
    avatar_url_100: str | None = None
    avatar_large_url: str | None = None
    display_name: str | None = None
    bio_description: str | None = None
    profile_deep_link: str | None = None
    is_verified: bool | None = None
    username: str | None = None
    follower_count: int | None = None
    following_count: int | None = None
    likes_count: int | None = None
    video_count: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
