"""Minting a user's access and refresh token pair."""

from __future__ import annotations

from dataclasses import dataclass

from loginkit.core.context import Context
from loginkit.core.models import OAuthVersion, Token, TokenKind, TokenResponse
from loginkit.core.scopes import format_scopes
from loginkit.core.secrets import hash_secret, new_access_token, new_refresh_token

__all__ = ["TokenPair", "mint_token_pair"]


@dataclass(frozen=True, slots=True)
class TokenPair:
    records: tuple[Token, Token]
    """What the store saves: hashes only."""
    response: TokenResponse
    """What the client receives: the only place the raw tokens exist."""


def mint_token_pair(
    ctx: Context,
    *,
    grant_id: str,
    client_key: str,
    user_id: str,
    scopes: tuple[str, ...],
    refresh_expires_at: int,
    version: OAuthVersion = OAuthVersion.V2,
) -> TokenPair:
    """A fresh access and refresh token for one grant.

    ``refresh_expires_at`` is absolute: refreshing never extends a grant (ours; TikTok's 2026
    docs report the *remaining* lifetime).
    """
    now = ctx.clock.now()
    shapes = ctx.policy.id_shapes
    access, refresh = new_access_token(shapes), new_refresh_token(shapes)
    access_expires_at = now + ctx.policy.access_lifetime

    def record(kind: TokenKind, raw: str, expires_at: int) -> Token:
        return Token(
            token_hash=hash_secret(raw),
            kind=kind,
            client_key=client_key,
            expires_at=expires_at,
            created_at=now,
            scopes=scopes,
            grant_id=grant_id,
            user_id=user_id,
            version=version,
        )

    records = (
        record(TokenKind.ACCESS, access, access_expires_at),
        record(TokenKind.REFRESH, refresh, refresh_expires_at),
    )
    response = TokenResponse(
        access_token=access,
        expires_in=access_expires_at - now,
        open_id=ctx.open_id(client_key, user_id),
        refresh_token=refresh,
        refresh_expires_in=max(0, refresh_expires_at - now),
        scope=format_scopes(scopes),
    )
    return TokenPair(records, response)
