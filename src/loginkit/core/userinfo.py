"""``GET /v2/user/info/?fields=…`` (Display API), gated by the token's scopes.

Answers ``{"data": {"user": {…}}, "error": {"code": "ok", "message": "", "log_id": …}}`` with
exactly the requested fields, in alphabetical order as in TikTok's example.
"""

from __future__ import annotations

from collections.abc import Sequence

from loginkit.core.context import Context
from loginkit.core.error_bodies import is_error_body_part, quoted_log_id
from loginkit.core.errors import (
    AccessTokenInvalid,
    InvalidParams,
    ScopeNotAuthorized,
    ScopePermissionMissed,
)
from loginkit.core.explanations import token_problem
from loginkit.core.models import Token, TokenKind, TokenOwner, User
from loginkit.core.observations import attribute, observe
from loginkit.core.policy import ScopeError
from loginkit.core.scopes import USER_FIELDS, missing_scopes_for_fields, split_commas
from loginkit.core.secrets import hash_secret

__all__ = ["bearer_token", "live_access_token", "user_info"]


def bearer_token(authorization: str | None) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AccessTokenInvalid(
            detail="no Bearer token in the Authorization header",
            rule="access_token.missing",
            explanation="The request has no 'Authorization: Bearer <access_token>' header; "
            "TikTok reads the access token from that header only.",
        )
    return value.strip()


def _unusable_token(raw: str, token: Token | None, now: int) -> dict[str, str]:
    """The rule and explanation of a bearer token that cannot read user info."""
    if token is None and is_error_body_part(raw):
        rule, problem = "access_token.error_body", "is (part of) an error answer"
        answered_by = quoted_log_id(raw)
        if answered_by is not None:
            observe(f"error_body_of:{answered_by}")
        fix = (
            "TikTok answers OAuth errors with HTTP 200, so read the body's error field before "
            "storing an access_token."
        )
    elif token is None:
        rule, problem, fix = "access_token.unknown", "was never issued here", "log in again."
    elif token.kind is not TokenKind.ACCESS:
        rule, problem = "access_token.not_user_token", f"is a {token.kind.value} token"
        fix = "send the user's access_token (act.…), not a refresh or client token."
    elif token.revoked_at is not None:
        rule, problem, fix = "access_token.revoked", "was revoked", "log the user in again."
    else:
        rule, problem = "access_token.expired", f"expired {now - token.expires_at} s ago"
        fix = "refresh it (grant_type=refresh_token) before it expires, using expires_in."
    return {"rule": rule, "explanation": token_problem("access token", raw, problem, fix)}


def _outside_scope(fields: Sequence[str], missing: Sequence[str], granted: Sequence[str]) -> str:
    outside = ",".join(f for f in fields if USER_FIELDS[f] in missing)
    return (
        f"fields asks for {outside}, which need the scope(s) {','.join(missing)}; the user "
        f"granted {','.join(granted)}. Ask only for the fields of the granted scopes (the "
        "callback's scopes parameter lists them)."
    )


def _profile_values(user: User, avatar_base_url: str) -> dict[str, object]:
    avatar = user.avatar_url or f"{avatar_base_url}/{user.user_id}.svg"
    return {
        "avatar_url": avatar,
        "avatar_url_100": avatar if user.avatar_url else f"{avatar}?size=100",
        "avatar_large_url": avatar if user.avatar_url else f"{avatar}?size=720",
        "display_name": user.display_name,
        "bio_description": user.bio_description,
        "profile_deep_link": f"https://www.tiktok.com/@{user.username}",
        "is_verified": user.is_verified,
        "username": user.username,
        "follower_count": user.follower_count,
        "following_count": user.following_count,
        "likes_count": user.likes_count,
        "video_count": user.video_count,
    }


async def live_access_token(ctx: Context, authorization: str | None) -> TokenOwner:
    """The live user access token in ``authorization``, with its user and app (read and hashed
    once per request, in one read)."""
    raw = bearer_token(authorization)
    owner = await ctx.store.get_token_owner(hash_secret(raw))
    token = None if owner is None else owner.token
    if token is not None:
        attribute(token.client_key)
    if token is None or token.kind is not TokenKind.ACCESS or not token.is_live(ctx.clock.now()):
        # clt. tokens are app-only: TikTok documents no user info for them.
        raise AccessTokenInvalid(
            detail="unknown, expired, revoked or non-user token",
            **_unusable_token(raw, token, ctx.clock.now()),
        )
    assert owner is not None
    return owner


async def user_info(
    ctx: Context, owner: TokenOwner, fields_param: str | None, *, avatar_base_url: str
) -> dict[str, object]:
    """The ``user`` object for ``owner``'s token (from ``live_access_token``)."""
    token = owner.token
    fields = split_commas(fields_param or "")
    if not fields:
        raise InvalidParams("The fields parameter is required.", rule="fields.missing")
    unknown = [f for f in fields if f not in USER_FIELDS]
    if unknown:
        raise InvalidParams(f"Invalid fields: {','.join(unknown)}.", rule="fields.unknown")
    missing = missing_scopes_for_fields(fields, token.scopes)
    if missing:
        detail = f"token scopes {','.join(token.scopes)}; fields {','.join(fields)}"
        if ctx.policy.scope_error is ScopeError.SCOPE_NOT_AUTHORIZED:
            raise ScopeNotAuthorized(
                detail=detail,
                rule="fields.outside_scope",
                explanation=_outside_scope(fields, missing, token.scopes),
            )
        raise ScopePermissionMissed(
            f"Some fields need additional scopes: {','.join(missing)}.",
            detail=detail,
            rule="fields.outside_scope",
            explanation=_outside_scope(fields, missing, token.scopes),
        )
    user, app = owner.user, owner.app
    if user is None or app is None:
        raise AccessTokenInvalid(
            detail="the token's user or app was deleted", rule="access_token.owner_deleted"
        )
    values = _profile_values(user, avatar_base_url)
    values["open_id"] = ctx.open_id(app.client_key, user.user_id)
    values["union_id"] = ctx.union_id(app.developer_id, user.user_id)
    return {name: values[name] for name in sorted(fields)}
