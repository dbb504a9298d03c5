"""``grant_type=authorization_code`` on ``POST /v2/oauth/token/``.

Request (form): ``client_key``, ``client_secret``, ``code`` (URL-decoded), ``grant_type``,
``redirect_uri`` (as sent to authorize), ``code_verifier`` (when the code had a challenge).

Response::

    {"access_token": "act.…", "expires_in": 86400, "open_id": "…", "refresh_expires_in": 31536000,
     "refresh_token": "rft.…", "scope": "user.info.basic,video.list", "token_type": "Bearer"}

A code is consumed, never deleted: presenting it again is a replay, answered ``invalid_grant`` and
punished by revoking every token issued from it (RFC 6749 §4.1.2). Of two racing redemptions
exactly one wins; the loser is treated as a replay.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from loginkit.core import pkce
from loginkit.core.context import Context
from loginkit.core.errors import InvalidGrant, InvalidRequest
from loginkit.core.explanations import redirect_uri_mismatch
from loginkit.core.masking import mask
from loginkit.core.mixing import refuse_mixing
from loginkit.core.models import App, AuthorizationCode, OAuthVersion, TokenResponse
from loginkit.core.secrets import hash_secret
from loginkit.core.tokens import mint_token_pair

__all__ = ["authorization_code_grant", "exchange_code"]

REDIRECT_URI_MISMATCH = "Redirect_uri is not matched with the uri when requesting code."
PKCE_FAILED = "Code verifier or code challenge is invalid."


async def _replayed(ctx: Context, code: AuthorizationCode) -> InvalidGrant:
    await ctx.store.revoke_grant(code.grant_id, ctx.clock.now())
    return InvalidGrant(
        "Authorization code has been used.",
        detail=f"code replayed; grant {code.grant_id} revoked",
        rule="code.reused",
        explanation="This authorization code was already exchanged: a code is single-use, and "
        "presenting it again revoked every token issued from it. Exchange each code once; "
        "start a new login for a new code.",
    )


def _check_pkce(code: AuthorizationCode, verifier: str | None) -> None:
    if code.code_challenge is None:
        if verifier is not None:
            # A verifier for a code issued without a challenge: a downgrade attempt.
            raise InvalidRequest(
                PKCE_FAILED,
                detail="code_verifier sent for a code without PKCE",
                rule="pkce.verifier_unexpected",
                explanation=f"code_verifier `{mask(verifier)}` was sent, but the authorize "
                "request had no code_challenge; send both or neither.",
            )
        return
    if verifier is None or not pkce.verify(verifier, code.code_challenge):
        raise InvalidRequest(
            PKCE_FAILED,
            detail="code_verifier does not match code_challenge",
            rule="pkce.verifier_missing" if verifier is None else "pkce.verifier_mismatch",
            explanation=_verifier_explanation(verifier),
        )


def _verifier_explanation(verifier: str | None) -> str:
    if verifier is None:
        return (
            "The authorize request had a code_challenge but the exchange has no code_verifier; "
            "send the verifier whose S256 digest was the challenge."
        )
    return (
        f"code_verifier `{mask(verifier)}` does not hash (S256) to the code_challenge sent at "
        "authorize; send the verifier generated for this login, unchanged."
    )


async def _unknown_code(
    ctx: Context, app: App, raw_code: str, code: AuthorizationCode | None
) -> InvalidGrant:
    """Why the code matched none of the app's: another app's, still percent-encoded, or unknown."""
    if code is not None:
        rule, problem = "code.other_client", f"was issued to another app, not to {app.client_key}"
    elif "%" in raw_code and await ctx.store.get_code(hash_secret(unquote(raw_code))) is not None:
        rule = "code.not_url_decoded"
        problem = (
            "still carries percent-escapes (such as %2A, %21) of a code this server issued: "
            "URL-decode the code parameter of the callback once before exchanging it"
        )
    else:
        rule, problem = "code.unknown", "was never issued by this server"
    return InvalidGrant(
        "Authorization code is invalid.",
        detail="unknown code or other client",
        rule=rule,
        explanation=f"The code `{mask(raw_code)}` {problem}.",
    )


async def authorization_code_grant(
    ctx: Context, app: App, form: Mapping[str, str]
) -> TokenResponse:
    return await exchange_code(
        ctx,
        app,
        form["code"],
        redirect_uri=form["redirect_uri"],
        code_verifier=form.get("code_verifier"),
    )


async def exchange_code(
    ctx: Context,
    app: App,
    raw_code: str,
    *,
    redirect_uri: str | None,
    code_verifier: str | None,
    version: OAuthVersion = OAuthVersion.V2,
) -> TokenResponse:
    """Redeem a code issued by the ``version`` authorize page; v1 sends no ``redirect_uri``."""
    now = ctx.clock.now()
    code = await ctx.store.get_code(hash_secret(raw_code))
    if code is None or code.client_key != app.client_key:
        raise await _unknown_code(ctx, app, raw_code, code)
    if code.version is not version:
        raise await refuse_mixing(ctx, app, "authorization code", code.version, version)
    if code.consumed_at is not None:
        raise await _replayed(ctx, code)
    if now >= code.expires_at:
        raise InvalidGrant(
            "Authorization code is expired.",
            rule="code.expired",
            explanation=f"The code `{mask(raw_code)}` expired (codes live "
            f"{ctx.policy.code_lifetime} s); exchange it as soon as the callback arrives.",
        )
    if redirect_uri is not None and redirect_uri != code.redirect_uri:
        raise InvalidRequest(
            REDIRECT_URI_MISMATCH,
            detail=f"redirect_uri {redirect_uri!r} != {code.redirect_uri!r}",
            rule="redirect_uri.mismatch",
            explanation=redirect_uri_mismatch(redirect_uri, code.redirect_uri),
        )
    _check_pkce(code, code_verifier)

    pair = mint_token_pair(
        ctx,
        grant_id=code.grant_id,
        client_key=app.client_key,
        user_id=code.user_id,
        scopes=code.scopes,
        refresh_expires_at=now + ctx.policy.refresh_lifetime,
        version=version,
    )
    if not await ctx.store.redeem_code(code.code_hash, now, pair.records):
        raise await _replayed(ctx, code)
    return pair.response
