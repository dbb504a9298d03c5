"""The emulator's records. Plain frozen dataclasses: the core and the stores pass these around."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "App",
    "AuthorizationCode",
    "Grant",
    "OAuthVersion",
    "Platform",
    "Token",
    "TokenKind",
    "TokenOwner",
    "TokenResponse",
    "User",
]


class Platform(StrEnum):
    WEB = "web"
    DESKTOP = "desktop"
    ANDROID = "android"
    IOS = "ios"

    @property
    def requires_pkce(self) -> bool:
        """TikTok requires PKCE from desktop and mobile apps
        (developers.tiktok.com/doc/login-kit-desktop)."""
        return self is not Platform.WEB


class OAuthVersion(StrEnum):
    """Which of TikTok's OAuth APIs issued a code or token; the two must not be mixed
    (v1 migration guide)."""

    V1 = "v1"
    V2 = "v2"


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class App:
    client_key: str
    name: str
    secret_hash: str
    platform: Platform
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    developer_id: str = "default"
    created_at: int = 0
    redirect_domains: tuple[str, ...] = ()
    """v1 OAuth only: hosts whose (sub)domains may receive the redirect (v1 migration guide)."""


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    username: str
    display_name: str
    avatar_url: str = ""
    bio_description: str = ""
    is_verified: bool = False
    follower_count: int = 0
    following_count: int = 0
    likes_count: int = 0
    video_count: int = 0
    created_at: int = 0


@dataclass(frozen=True, slots=True)
class Grant:
    """One user's authorization of one app; a code and every token minted from it share it."""

    grant_id: str
    client_key: str
    user_id: str
    scopes: tuple[str, ...]
    created_at: int
    revoked_at: int | None = None


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    code_hash: str
    grant_id: str
    client_key: str
    user_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    expires_at: int
    code_challenge: str | None = None
    consumed_at: int | None = None
    version: OAuthVersion = OAuthVersion.V2


@dataclass(frozen=True, slots=True)
class Token:
    token_hash: str
    kind: TokenKind
    client_key: str
    expires_at: int
    created_at: int
    scopes: tuple[str, ...] = ()
    grant_id: str | None = None
    user_id: str | None = None
    revoked_at: int | None = None
    rotated_at: int | None = None
    """Set on a refresh token once it has been exchanged for a new one."""
    version: OAuthVersion = OAuthVersion.V2

    def is_live(self, now: int) -> bool:
        return self.revoked_at is None and self.rotated_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """A token with the user and the app it was issued to (None: deleted since), read together."""

    token: Token
    user: User | None
    app: App | None


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """The body of a successful token response, in TikTok's field names."""

    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the scheme name
    open_id: str | None = None
    refresh_token: str | None = None
    refresh_expires_in: int | None = None
    scope: str | None = None

    def to_body(self) -> dict[str, object]:
        """Keys in the order of TikTok's documented example; absent fields are left out."""
        body: dict[str, object] = {"access_token": self.access_token, "expires_in": self.expires_in}
        optional = {
            "open_id": self.open_id,
            "refresh_expires_in": self.refresh_expires_in,
            "refresh_token": self.refresh_token,
            "scope": self.scope,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        body["token_type"] = self.token_type
        return body
