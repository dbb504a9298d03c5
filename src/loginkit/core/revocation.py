"""``POST /v2/oauth/revoke/``: ``client_key``, ``client_secret``, ``token`` → ``{}``.

The answer is the same whether or not the token existed, belonged to the caller or was already
dead (RFC 7009): revoke is no oracle. Revoking an access or refresh token ends its whole grant, so
the refresh token dies with the access token (the app leaves the user's connected apps).
"""

from __future__ import annotations

from collections.abc import Mapping

from loginkit.core.context import Context
from loginkit.core.mixing import refuse_mixing
from loginkit.core.models import App, OAuthVersion
from loginkit.core.secrets import hash_secret

__all__ = ["revoke"]


async def revoke(ctx: Context, app: App, form: Mapping[str, str]) -> str | None:
    """Returns: the grant_id whose access ended, if any (for the ``authorization.removed`` hook)."""
    token = await ctx.store.get_token(hash_secret(form["token"]))
    if token is None or token.client_key != app.client_key or token.revoked_at is not None:
        return None
    if token.version is not OAuthVersion.V2:
        # Not an oracle: the caller authenticated as the app the token belongs to.
        raise await refuse_mixing(ctx, app, "token", token.version, OAuthVersion.V2)
    now = ctx.clock.now()
    if token.grant_id is not None:
        await ctx.store.revoke_grant(token.grant_id, now)
    else:
        await ctx.store.revoke_token(token.token_hash, now)
    return token.grant_id
