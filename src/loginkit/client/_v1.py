"""TikTok's v1 OAuth endpoints, for mobile apps that keep them "until further notice" (TikTok's
guide to migrating to v2).

Sans-I/O like ``_protocol``, whose sending and parsing it reuses. v1 took its parameters in the
query string (``/oauth/access_token/``, ``/oauth/refresh_token/`` without a secret,
``/oauth/revoke/`` with ``open_id``) and wrapped every answer:
``{"data": {..., "error_code": 0}, "message": "success"}``. Web apps lost v1 on 2024-02-29 and
desktop apps never had it, so for those configurations each flow refuses before sending anything
and names the v2 call to make instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx2

from loginkit.client._protocol import (
    ClientConfig,
    Flow,
    Resend,
    RetryPolicy,
    _headers,
    _json_object,
    _send,
    token_set_from,
)
from loginkit.client.errors import (
    OAuthError,
    UnexpectedResponseError,
    V1OAuthError,
    V1UnavailableError,
)
from loginkit.client.models import TokenSet

__all__ = [
    "V1_PLATFORMS",
    "parse_v1_data",
    "v1_exchange_code_flow",
    "v1_refresh_flow",
    "v1_revoke_flow",
]

V1_PLATFORMS = frozenset({"android", "ios"})

_V2_INSTEAD = {
    "/oauth/access_token/": (
        "exchange_code() — POST /v2/oauth/token/ with grant_type=authorization_code"
    ),
    "/oauth/refresh_token/": "refresh() — POST /v2/oauth/token/ with grant_type=refresh_token",
    "/oauth/revoke/": "revoke() — POST /v2/oauth/revoke/",
}


def _refuse_unless_mobile(config: ClientConfig, path: str) -> None:
    instead = _V2_INSTEAD[path]
    if config.platform == "web":
        raise V1UnavailableError(f"v1 OAuth ended for web apps on 2024-02-29; use {instead}")
    if config.platform not in V1_PLATFORMS:
        raise V1UnavailableError(
            f"v1 OAuth is not available to {config.platform} apps; use {instead}"
        )


def _v1_post(config: ClientConfig, path: str, params: Mapping[str, str]) -> httpx2.Request:
    _refuse_unless_mobile(config, path)
    return httpx2.Request(
        "POST", f"{config.v1_api_base_url}{path}", params=params, headers=_headers(config)
    )


def parse_v1_data(response: httpx2.Response) -> dict[str, Any]:
    """``data`` of a v1 answer, raising v1's refusal (which comes with HTTP 200) as an error."""
    body = _json_object(response)
    header_log_id = response.headers.get("x-tt-logid")
    if body.get("error"):  # v2's flat shape: a refusal v1 has no code for (429, 5xx)
        raise OAuthError.from_body(body, status_code=response.status_code, log_id=header_log_id)
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("error_code"), int):
        raise UnexpectedResponseError(
            "TikTok's v1 answer lacks data.error_code",
            status_code=response.status_code,
            log_id=header_log_id,
        )
    log_id = str(data.get("log_id") or header_log_id or "") or None
    if data["error_code"] != 0:
        raise V1OAuthError(
            data["error_code"],
            str(data.get("description") or ""),
            log_id=log_id,
            status_code=response.status_code,
        )
    if response.status_code >= 400:
        raise UnexpectedResponseError(
            "TikTok refused the v1 request with error_code 0",
            status_code=response.status_code,
            log_id=log_id,
        )
    return data


def v1_exchange_code_flow(
    config: ClientConfig, policy: RetryPolicy, now: datetime, *, code: str
) -> Flow[TokenSet]:
    """``POST /oauth/access_token/``: no ``redirect_uri``, no PKCE. Never resent."""
    params = {
        "client_key": config.client_key,
        "client_secret": config.client_secret,
        "code": code,
        "grant_type": "authorization_code",
    }
    request = _v1_post(config, "/oauth/access_token/", params)
    response = yield from _send(request, Resend.NEVER, policy)
    return token_set_from(parse_v1_data(response), response, now)


def v1_refresh_flow(
    config: ClientConfig, policy: RetryPolicy, now: datetime, *, refresh_token: str
) -> Flow[TokenSet]:
    """``POST /oauth/refresh_token/``: v1 sent no secret; the refresh token rotates as in v2."""
    params = {
        "client_key": config.client_key,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    request = _v1_post(config, "/oauth/refresh_token/", params)
    response = yield from _send(request, Resend.IF_NOT_SENT, policy)
    return token_set_from(parse_v1_data(response), response, now)


def v1_revoke_flow(
    config: ClientConfig, policy: RetryPolicy, *, open_id: str, access_token: str
) -> Flow[None]:
    """``POST /oauth/revoke/``: v1 named the user by ``open_id`` next to the access token."""
    params = {"open_id": open_id, "access_token": access_token}
    request = _v1_post(config, "/oauth/revoke/", params)
    response = yield from _send(request, Resend.IDEMPOTENT, policy)
    parse_v1_data(response)
