"""``grant_type=client_credentials``: an app-only ``clt.`` token.

Response: ``{"access_token": "clt.…", "expires_in": 7200, "token_type": "Bearer"}`` — no refresh
token, no open_id, no scope (TikTok, client-access-token-management).
"""

from __future__ import annotations

from collections.abc import Mapping

from loginkit.core.context import Context
from loginkit.core.models import App, Token, TokenKind, TokenResponse
from loginkit.core.secrets import hash_secret, new_client_access_token

__all__ = ["client_credentials_grant"]


async def client_credentials_grant(
    ctx: Context, app: App, form: Mapping[str, str]
) -> TokenResponse:
    now = ctx.clock.now()
    raw = new_client_access_token()
    lifetime = ctx.policy.client_token_lifetime
    await ctx.store.add_token(
        Token(
            token_hash=hash_secret(raw),
            kind=TokenKind.CLIENT,
            client_key=app.client_key,
            expires_at=now + lifetime,
            created_at=now,
        )
    )
    return TokenResponse(access_token=raw, expires_in=lifetime)
