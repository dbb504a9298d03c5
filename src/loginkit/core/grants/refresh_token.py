"""``grant_type=refresh_token`` on ``POST /v2/oauth/token/`` (and our ``/v2/oauth/token/refresh/``).

Request (form): ``client_key``, ``client_secret``, ``grant_type=refresh_token``, ``refresh_token``.
Response: the same seven fields as the code exchange.

- The refresh token rotates; the one presented stops working (TikTok, November 2026 docs).
- ``refresh_expires_in`` is what remains of the grant's lifetime, which refreshing never extends.
- Scopes are carried over: they never grow.
- The previous access token stays valid until its own expiry.
- Presenting a rotated refresh token again is reuse: ``invalid_grant``, and (RFC 9700, switchable)
  the whole grant is revoked. Of two racing refreshes one wins; the other counts as reuse.
"""

from __future__ import annotations

from collections.abc import Mapping

from loginkit.core.context import Context
from loginkit.core.error_bodies import is_error_body_part
from loginkit.core.errors import InvalidGrant
from loginkit.core.explanations import token_problem
from loginkit.core.mixing import refuse_mixing
from loginkit.core.models import App, OAuthVersion, Token, TokenKind, TokenResponse
from loginkit.core.secrets import hash_secret
from loginkit.core.tokens import mint_token_pair

__all__ = ["refresh", "refresh_token_grant"]

INVALID = "Refresh token is invalid or expired."


async def _reused(ctx: Context, token: Token) -> InvalidGrant:
    if ctx.policy.revoke_grant_on_refresh_reuse and token.grant_id is not None:
        await ctx.store.revoke_grant(token.grant_id, ctx.clock.now())
    return InvalidGrant(
        INVALID,
        detail=f"rotated refresh token reused (grant {token.grant_id})",
        rule="refresh_token.reused",
        explanation="This refresh token was already used: each refresh returns a new "
        "refresh_token and the one presented stops working. Store the new refresh_token every "
        "time and let only one refresh run at a time.",
    )


def _unknown(raw_token: str, token: Token | None) -> dict[str, str]:
    if is_error_body_part(raw_token):
        return {
            "rule": "refresh_token.error_body",
            "explanation": token_problem(
                "refresh token",
                raw_token,
                "is (part of) an error answer",
                "TikTok answers errors with HTTP 200, so read the body's error field before "
                "storing a refresh_token.",
            ),
        }
    if token is None:
        problem = "was never issued here"
    elif token.kind is not TokenKind.REFRESH:
        problem = "is not a refresh token"
    else:
        problem = "was issued to another app"
    return {
        "rule": "refresh_token.unknown",
        "explanation": token_problem(
            "refresh token", raw_token, problem, "send the refresh_token of this app's grant."
        ),
    }


def _ended(raw_token: str, state: str, problem: str) -> InvalidGrant:
    return InvalidGrant(
        INVALID,
        detail=f"refresh token {state}",
        rule=f"refresh_token.{state}",
        explanation=token_problem(
            "refresh token", raw_token, problem, "send the user through login again."
        ),
    )


async def refresh_token_grant(ctx: Context, app: App, form: Mapping[str, str]) -> TokenResponse:
    return await refresh(ctx, app, form["refresh_token"])


async def refresh(
    ctx: Context, app: App, raw_token: str, version: OAuthVersion = OAuthVersion.V2
) -> TokenResponse:
    """Rotate a refresh token issued by the ``version`` API."""
    now = ctx.clock.now()
    token = await ctx.store.get_token(hash_secret(raw_token))
    if token is None or token.kind is not TokenKind.REFRESH or token.client_key != app.client_key:
        raise InvalidGrant(
            INVALID, detail="unknown refresh token or other client", **_unknown(raw_token, token)
        )
    if token.version is not version:
        raise await refuse_mixing(ctx, app, "refresh token", token.version, version)
    if token.revoked_at is not None:
        raise _ended(raw_token, "revoked", "was revoked")
    if token.rotated_at is not None:
        raise await _reused(ctx, token)
    if now >= token.expires_at:
        raise _ended(raw_token, "expired", "expired")
    assert token.grant_id is not None and token.user_id is not None  # refresh tokens have both

    pair = mint_token_pair(
        ctx,
        grant_id=token.grant_id,
        client_key=app.client_key,
        user_id=token.user_id,
        scopes=token.scopes,
        refresh_expires_at=token.expires_at,
        version=version,
    )
    if not await ctx.store.rotate_refresh_token(token.token_hash, now, pair.records):
        raise await _reused(ctx, token)
    return pair.response
