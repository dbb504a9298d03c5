"""How the emulator behaves where TikTok offers a choice or is silent: lifetimes and switches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["LifetimeProfile", "Policy"]


class LifetimeProfile(StrEnum):
    CLASSIC = "classic"
    """Docs 2022-2026 and every example: access 24 h, refresh 365 days."""
    Y2026 = "2026"
    """November 2026 docs: access 2 h, refresh 180 days."""


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
    require_pkce_for_web: bool = False
    """TikTok documents PKCE for desktop and mobile only; some integrators see it on web."""
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
