"""How the emulator behaves where TikTok offers a choice or is silent: lifetimes and switches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["IdShapes", "LifetimeProfile", "Policy", "ScopeError"]


class LifetimeProfile(StrEnum):
    CLASSIC = "classic"
    """Docs 2022-2026 and every example: access 24 h, refresh 365 days."""
    Y2026 = "2026"
    """November 2026 docs: access 2 h, refresh 180 days."""


class ScopeError(StrEnum):
    """The Display API's answer to a field whose scope the user did not grant."""

    SCOPE_NOT_AUTHORIZED = "scope_not_authorized"
    """401, what TikTok answers in practice."""
    SCOPE_PERMISSION_MISSED = "scope_permission_missed"
    """400, the code of TikTok's error table
    (https://developers.tiktok.com/doc/tiktok-api-v2-error-handling)."""


class IdShapes(StrEnum):
    """The shapes of tokens, codes and open_ids the emulator issues."""

    TIKTOK = "tiktok"
    """As TikTok issues them today: ``act.``/``rft.`` + 60 alphanumerics + ``!1234.va``, ~230
    character codes, ``-000``-prefixed open_ids."""
    CLASSIC = "classic"
    """``act.`` + 64 alphanumerics, 74-character codes, UUID open_ids (the docs' examples)."""


_LIFETIMES = {
    LifetimeProfile.CLASSIC: (86_400, 31_536_000),
    LifetimeProfile.Y2026: (7_200, 15_552_000),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    profile: LifetimeProfile = LifetimeProfile.CLASSIC
    access_token_lifetime: int | None = None
    """Seconds; None takes the profile's value."""
    refresh_token_lifetime: int | None = None
    client_token_lifetime: int = 7_200
    code_lifetime: int = 300
    """Ours: TikTok documents none."""
    require_pkce_for_web: bool = True
    """Refuse a web app's authorize request without an S256 ``code_challenge``. TikTok documents
    PKCE for desktop and mobile only, but requires it of web apps in practice
    (https://github.com/better-auth/better-auth/issues/3114)."""
    oauth_errors_http_200: bool = True
    """Answer the OAuth endpoints' errors (/v2/oauth/token/, its refresh alias, /v2/oauth/revoke/)
    with HTTP 200, as TikTok does in practice; False gives RFC 6749's 400/401. 429 and 5xx stay
    real statuses (our choice)."""
    scope_error: ScopeError = ScopeError.SCOPE_NOT_AUTHORIZED
    """The Display API's answer to a field whose scope was not granted."""
    id_shapes: IdShapes = IdShapes.TIKTOK
    """The shapes of issued tokens, authorization codes and open_ids."""
    revoke_grant_on_refresh_reuse: bool = True
    """RFC 9700: presenting a rotated refresh token revokes the whole grant."""
    strict_redirect_uris: bool = False
    """Refuse the loopback http redirect URIs we otherwise allow web apps for local development."""
    auto_authorize: bool = True
    """A signed-in user who already granted every requested scope goes straight back to the app
    with a fresh code, unless the URL has ``disable_auto_auth=1`` (developers.tiktok.com/doc/
    login-kit-web, the ``disable_auto_auth`` parameter)."""

    @property
    def access_lifetime(self) -> int:
        return self.access_token_lifetime or _LIFETIMES[self.profile][0]

    @property
    def refresh_lifetime(self) -> int:
        return self.refresh_token_lifetime or _LIFETIMES[self.profile][1]
