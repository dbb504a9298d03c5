"""TikTok's v1 OAuth dialect (seed 002, facts §10), on the v2 machinery.

- ``POST /oauth/access_token/``: ``client_key``, ``client_secret``, ``code``,
  ``grant_type=authorization_code`` (no ``redirect_uri``, no PKCE).
- ``POST /oauth/refresh_token/``: ``client_key``, ``grant_type=refresh_token``, ``refresh_token``
  (no secret).
- ``POST /oauth/revoke/``: ``open_id``, ``access_token``.
- ``GET /auth/authorize/``: ``client_key``, ``scope``, ``response_type=code``, ``redirect_uri``,
  ``state``; a redirect URI may also be any https URL on a registered redirect *domain*.

Answers are wrapped: ``{"data": {..., "error_code": 0, ...}, "message": "success"}``, errors
``{"data": {"captcha": "", "desc_url": "", "description": ..., "error_code": N},
"message": "error"}``. Platform rules: web apps lose v1 at ``V1_WEB_END_OF_LIFE``, desktop apps
never had it, android/ios apps keep it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from loginkit.core.authorize import (
    AuthorizeRequest,
    check_redirect_uri,
    check_response_type,
    check_scope,
    check_state,
    client_key_refusal,
)
from loginkit.core.context import Context
from loginkit.core.errors import (
    AuthorizePageError,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    LoginKitError,
    RateLimited,
    UnauthorizedClient,
    UnsupportedGrantType,
)
from loginkit.core.explanations import client_refusal
from loginkit.core.grants.authorization_code import exchange_code
from loginkit.core.grants.refresh_token import refresh
from loginkit.core.mixing import refuse_mixing
from loginkit.core.models import App, OAuthVersion, Platform, TokenKind, TokenResponse
from loginkit.core.params import require
from loginkit.core.policy import Policy
from loginkit.core.secrets import hash_secret

__all__ = [
    "ACCESS_TOKEN_PARAMS",
    "REDIRECT_DOMAINS_FROZEN",
    "V1_WEB_END_OF_LIFE",
    "V1Unavailable",
    "access_token",
    "check_grant_type",
    "error_body",
    "redirect_domain_errors",
    "refresh_token",
    "refuse_if_unavailable",
    "revoke",
    "success_body",
    "v1_refusal",
    "validate_authorize",
]

V1_WEB_END_OF_LIFE = int(datetime(2024, 2, 29, tzinfo=UTC).timestamp())
"""v1 is refused for web apps from 2024-02-29 00:00:00 UTC on (the guide gives only the date)."""

REDIRECT_DOMAINS_FROZEN = int(datetime(2023, 6, 12, tzinfo=UTC).timestamp())
"""From 2023-06-12 00:00:00 UTC web apps can no longer add or modify redirect domains."""

V2_TOKEN_URL = "https://open.tiktokapis.com/v2/oauth/token/"  # noqa: S105 - a URL
V2_AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"


class V1Unavailable(UnauthorizedClient):
    """v1 refused for the app's platform (web after end of life, desktop always)."""


_ERROR_CODES: tuple[tuple[type[LoginKitError], int], ...] = (
    # Ours [I]: only 10002 ("Parameter error") is documented; the others follow the numbering of
    # the open platform v1 descended from.
    (V1Unavailable, 10004),
    (InvalidScope, 10004),
    (InvalidClient, 10013),
    (InvalidGrant, 10007),
    (UnsupportedGrantType, 10002),
    (InvalidRequest, 10002),
    (RateLimited, 10010),
)


def v1_refusal(app: App, now: int) -> V1Unavailable | None:
    """Why ``app`` may not use v1 at ``now`` (emulator clock), if it may not."""
    if app.platform is Platform.DESKTOP:
        return V1Unavailable(
            f"v1 OAuth is not available to desktop apps; use {V2_TOKEN_URL}.",
            detail="v1 called by a desktop app",
            rule="v1.not_for_desktop",
        )
    if app.platform is Platform.WEB and now >= V1_WEB_END_OF_LIFE:
        return V1Unavailable(
            "v1 OAuth reached its end of life for web apps on 2024-02-29; "
            f"use {V2_TOKEN_URL} and {V2_AUTHORIZE_URL}.",
            detail="v1 called by a web app after its end of life",
            rule="v1.end_of_life",
        )
    return None


def error_code(error: LoginKitError) -> int | None:
    """v1's ``error_code`` for ``error``; None for errors v1 has no code for (5xx)."""
    return next((code for kind, code in _ERROR_CODES if isinstance(error, kind)), None)


def error_body(error: LoginKitError) -> dict[str, object]:
    code = error_code(error) or 10002
    return {
        "data": {
            "captcha": "",
            "desc_url": "",
            "description": error.description,
            "error_code": code,
        },
        "message": "error",
    }


def success_body(data: Mapping[str, object], log_id: str) -> dict[str, object]:
    body = {"captcha": "", "desc_url": "", "description": "", "error_code": 0, "log_id": log_id}
    return {"data": dict(sorted({**body, **data}.items())), "message": "success"}


def token_data(response: TokenResponse) -> dict[str, object]:
    """v1's token fields: v2's without ``token_type``."""
    return {k: v for k, v in response.to_body().items() if k != "token_type"}


def refuse_if_unavailable(app: App, now: int) -> None:
    refusal = v1_refusal(app, now)
    if refusal is not None:
        raise refusal


async def _v1_app(ctx: Context, client_key: str) -> App:
    app = await ctx.store.get_app(client_key)
    if app is None:
        raise InvalidClient(
            detail=f"unknown client_key {client_key!r}",
            rule="client.unknown",
            explanation=client_refusal(client_key, "", None),
        )
    refuse_if_unavailable(app, ctx.clock.now())
    return app


def check_grant_type(params: Mapping[str, str], expected: str) -> None:
    if params["grant_type"] != expected:
        raise UnsupportedGrantType(
            f"This endpoint only accepts grant_type={expected}.", rule="grant_type.unsupported"
        )


ACCESS_TOKEN_PARAMS = ("client_key", "client_secret", "code", "grant_type")
REFRESH_TOKEN_PARAMS = ("client_key", "grant_type", "refresh_token")
REVOKE_PARAMS = ("open_id", "access_token")


async def access_token(ctx: Context, app: App, params: Mapping[str, str]) -> TokenResponse:
    """``POST /oauth/access_token/`` for ``app``, authenticated by the service."""
    refuse_if_unavailable(app, ctx.clock.now())
    return await exchange_code(
        ctx, app, params["code"], redirect_uri=None, code_verifier=None, version=OAuthVersion.V1
    )


async def refresh_token(ctx: Context, params: Mapping[str, str]) -> TokenResponse:
    """``POST /oauth/refresh_token/``: the refresh token alone vouches for the client."""
    require(params, REFRESH_TOKEN_PARAMS)
    check_grant_type(params, "refresh_token")
    app = await _v1_app(ctx, params["client_key"])
    return await refresh(ctx, app, params["refresh_token"], OAuthVersion.V1)


async def revoke(ctx: Context, params: Mapping[str, str]) -> tuple[App, str]:
    """``POST /oauth/revoke/``: ends the grant of a v1 access token. Returns its app and grant."""
    require(params, REVOKE_PARAMS)
    token = await ctx.store.get_token(hash_secret(params["access_token"]))
    if token is None or token.kind is not TokenKind.ACCESS or token.user_id is None:
        raise InvalidGrant(
            "Access token is invalid.", detail="unknown access token", rule="access_token.unknown"
        )
    if ctx.open_id(token.client_key, token.user_id) != params["open_id"]:
        raise InvalidRequest("open_id does not match the access token.", rule="open_id.mismatch")
    app = await _v1_app(ctx, token.client_key)
    if token.version is not OAuthVersion.V1:
        raise await refuse_mixing(ctx, app, "access token", token.version, OAuthVersion.V1)
    if not token.is_live(ctx.clock.now()) or token.grant_id is None:
        raise InvalidGrant(
            "Access token is invalid.",
            detail="access token expired or revoked",
            rule="access_token.expired" if token.revoked_at is None else "access_token.revoked",
        )
    await ctx.store.revoke_grant(token.grant_id, ctx.clock.now())
    return app, token.grant_id


# ---- authorize --------------------------------------------------------------------------------


def _on_redirect_domain(uri: str, domains: tuple[str, ...]) -> bool:
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    on_domain = any(host == d or host.endswith("." + d) for d in domains)
    return parts.scheme == "https" and on_domain and not parts.fragment and "#" not in uri


def check_v1_redirect_uri(req: AuthorizeRequest, policy: Policy) -> None:
    """- with redirect domains: an https URL on a registered domain or a subdomain of one
      (query parameters allowed, as v1 allowed them: seed 002, FAQ 2)
    - without: a registered redirect URI, as in v2
    """
    uri = req.params.get("redirect_uri", "")
    if not req.app.redirect_domains or not uri:
        check_redirect_uri(req, policy)
        return
    if not _on_redirect_domain(uri, req.app.redirect_domains):
        raise AuthorizePageError(
            "redirect_uri",
            f"{uri!r} is not an https URL on a registered redirect domain "
            f"({', '.join(req.app.redirect_domains)}) or a subdomain of one.",
            rule="redirect_uri.not_on_redirect_domain",
        )
    req.redirect_uri = uri


def validate_authorize(
    params: Mapping[str, str], app: App | None, policy: Policy, now: int
) -> AuthorizeRequest:
    """``GET /auth/authorize/``: the v2 checks, v1's redirect rule, no PKCE, the platform rule."""
    if app is None:
        key = params.get("client_key", "")
        raise AuthorizePageError(
            "client_key",
            f"No app has client_key {key!r}." if key else "client_key is missing.",
            **client_key_refusal(params),
        )
    refusal = v1_refusal(app, now)
    if refusal is not None:
        # A web app past v1's end of life is told about its redirect_uri, as TikTok does
        # (https://github.com/cuongdevjs/reactjs-social-login/issues/152).
        param = "redirect_uri" if app.platform is Platform.WEB else "client_key"
        raise AuthorizePageError(param, refusal.description, rule=refusal.rule)
    req = AuthorizeRequest(app=app, params=params, version=OAuthVersion.V1)
    for check in (check_v1_redirect_uri, check_response_type, check_scope, check_state):
        check(req, policy)
    return req


# ---- registration -----------------------------------------------------------------------------


def _is_hostname(value: str) -> bool:
    labels = value.split(".")
    return (
        len(value) < 254
        and len(labels) > 1
        and all(
            0 < len(label) < 64 and label.replace("-", "").isalnum() and label.isascii()
            for label in labels
        )
    )


def redirect_domain_errors(
    old: tuple[str, ...], new: tuple[str, ...], platform: Platform, now: int
) -> list[str]:
    """Every rule a change of an app's redirect domains from ``old`` to ``new`` breaks."""
    problems = [
        f"{d}: a redirect domain is a host name such as example.com (no scheme, path or port)"
        for d in new
        if not _is_hostname(d)
    ]
    added = sorted(set(new) - set(old))
    if platform is Platform.WEB and added and now >= REDIRECT_DOMAINS_FROZEN:
        problems.append(
            f"{', '.join(added)}: web apps can no longer add or modify redirect domains "
            "(since 2023-06-12); register redirect URIs for v2 instead"
        )
    return problems
