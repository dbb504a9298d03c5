"""The sans-I/O core shared by the sync and async clients.

Each operation is a generator (as httpx's ``auth_flow``): it yields an ``httpx2.Request`` and is
sent back the ``httpx2.Response`` or the ``httpx2.TransportError`` it produced, or yields a
:class:`Sleep` before a retry. The drivers in ``sync.py`` and ``async_.py`` only do the I/O, so
every protocol rule and the retry policy live here, once.
"""

from __future__ import annotations

import json
import random
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal, TypeVar, get_args
from urllib.parse import urlencode

import httpx2

from loginkit.client.errors import APIError, OAuthError, TransportError, UnexpectedResponseError
from loginkit.client.models import ClientToken, TokenSet, UserProfile
from loginkit.client.pkce import PKCE

__all__ = [
    "DEFAULT_USER_FIELDS",
    "TIKTOK_API_BASE_URL",
    "TIKTOK_AUTHORIZE_URL",
    "TIKTOK_V1_API_BASE_URL",
    "ClientConfig",
    "Flow",
    "Platform",
    "Resend",
    "RetryPolicy",
    "Sleep",
    "authorization_url",
    "client_token_flow",
    "exchange_code_flow",
    "refresh_flow",
    "revoke_flow",
    "user_info_flow",
]

TIKTOK_AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"
TIKTOK_API_BASE_URL = "https://open.tiktokapis.com"
TIKTOK_V1_API_BASE_URL = "https://open-api.tiktok.com"
DEFAULT_USER_FIELDS = ("open_id", "union_id", "avatar_url", "display_name")

T = TypeVar("T")


@dataclass(frozen=True)
class Sleep:
    """Wait this long before the next attempt."""

    seconds: float


Outcome = httpx2.Response | httpx2.TransportError
Flow = Generator[httpx2.Request | Sleep, Outcome | None, T]


Platform = Literal["web", "desktop", "android", "ios"]
"""The app's platform in TikTok's portal; it decides whether v1 OAuth is open to it."""


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """Who the app is and where TikTok is; ``create(base_url=...)`` points every URL at one host."""

    client_key: str
    client_secret: str = field(repr=False)
    authorize_url: str = TIKTOK_AUTHORIZE_URL
    api_base_url: str = TIKTOK_API_BASE_URL
    v1_api_base_url: str = TIKTOK_V1_API_BASE_URL
    platform: Platform = "web"
    user_agent: str = "loginkit-client/0.1"

    def __post_init__(self) -> None:
        if self.platform not in get_args(Platform):
            raise ValueError(f"platform must be one of {', '.join(get_args(Platform))}")

    @classmethod
    def create(
        cls,
        client_key: str,
        client_secret: str,
        *,
        base_url: str | None = None,
        authorize_url: str | None = None,
        api_base_url: str | None = None,
        platform: Platform = "web",
    ) -> ClientConfig:
        """``base_url`` (an emulator) serves ``/v2/auth/authorize/``, the API and v1's paths."""
        root = base_url.rstrip("/") if base_url else None
        return cls(
            client_key=client_key,
            client_secret=client_secret,
            authorize_url=authorize_url
            or (f"{root}/v2/auth/authorize/" if root else TIKTOK_AUTHORIZE_URL),
            api_base_url=(api_base_url or root or TIKTOK_API_BASE_URL).rstrip("/"),
            v1_api_base_url=root or TIKTOK_V1_API_BASE_URL,
            platform=platform,
        )


class Resend(Enum):
    """When a request may be sent again after a failure."""

    NEVER = "never"
    """Authorization codes are single use: a second send could only fail or, worse, race."""
    IF_NOT_SENT = "if_not_sent"
    """Refresh tokens rotate: resend only when the request surely never reached TikTok."""
    IDEMPOTENT = "idempotent"
    """Reads, revocation and client tokens: retry on transport errors, 429 and 5xx."""


_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RETRY_ERRORS = frozenset(
    {"server_error", "temporarily_unavailable", "internal_error", "rate_limit_exceeded"}
)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter; ``attempts`` counts the first try."""

    attempts: int = 3
    initial_delay: float = 0.25
    max_delay: float = 4.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(self.max_delay, retry_after)
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retry_number)
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _error_code(response: httpx2.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("code"))
    return str(error) if error else None


def _should_retry_response(response: httpx2.Response) -> bool:
    return response.status_code in _RETRY_STATUSES or _error_code(response) in _RETRY_ERRORS


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _send(
    request: httpx2.Request, resend: Resend, policy: RetryPolicy
) -> Flow[httpx2.Response]:
    """Send ``request``, resending only as ``resend`` allows; the last answer is returned."""
    for attempt in range(max(1, policy.attempts)):
        last = attempt + 1 >= policy.attempts
        outcome = yield request
        if isinstance(outcome, httpx2.Response):
            if last or resend is not Resend.IDEMPOTENT or not _should_retry_response(outcome):
                return outcome
            yield Sleep(policy.delay(attempt, _retry_after(outcome)))
            continue
        assert outcome is not None
        safe = resend is Resend.IDEMPOTENT or (
            resend is Resend.IF_NOT_SENT and isinstance(outcome, _NOT_SENT)
        )
        if last or not safe:
            raise TransportError(
                f"{request.method} {request.url.copy_with(query=None)}: {type(outcome).__name__}"
            ) from outcome
        yield Sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the loop returns or raises")


# -- requests ------------------------------------------------------------------------------


def _headers(config: ClientConfig) -> dict[str, str]:
    return {
        "Accept": "application/json",
        "Cache-Control": "no-cache",
        "User-Agent": config.user_agent,
    }


def _form_post(config: ClientConfig, path: str, form: Mapping[str, str]) -> httpx2.Request:
    # TikTok's token endpoints take application/x-www-form-urlencoded only.
    return httpx2.Request(
        "POST",
        f"{config.api_base_url}{path}",
        headers={**_headers(config), "Content-Type": "application/x-www-form-urlencoded"},
        content=urlencode(form).encode("ascii"),
    )


def authorization_url(
    config: ClientConfig,
    scopes: Iterable[str],
    *,
    redirect_uri: str,
    state: str,
    pkce: PKCE | None = None,
    disable_auto_auth: bool | None = None,
) -> str:
    """The URL of TikTok's consent page; scopes are comma-separated as TikTok requires."""
    params = {
        "client_key": config.client_key,
        "scope": ",".join(scopes),
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
    }
    if pkce is not None:
        params |= {"code_challenge": pkce.challenge, "code_challenge_method": pkce.method}
    if disable_auto_auth is not None:
        params["disable_auto_auth"] = "1" if disable_auto_auth else "0"
    return f"{config.authorize_url}?{urlencode(params)}"


# -- responses -----------------------------------------------------------------------------


def _json_object(response: httpx2.Response) -> dict[str, Any]:
    log_id = response.headers.get("x-tt-logid")
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        raise UnexpectedResponseError(
            "TikTok answered with a body that is not JSON",
            status_code=response.status_code,
            log_id=log_id,
        ) from None
    if not isinstance(body, dict):
        raise UnexpectedResponseError(
            "TikTok answered with JSON that is not an object",
            status_code=response.status_code,
            log_id=log_id,
        )
    return body


def _oauth_body(response: httpx2.Response) -> dict[str, Any]:
    """The body of an OAuth answer, raising TikTok's error even when it comes with HTTP 200."""
    body = _json_object(response)
    if body.get("error"):
        raise OAuthError.from_body(
            body, status_code=response.status_code, log_id=response.headers.get("x-tt-logid")
        )
    if response.status_code >= 400:
        raise UnexpectedResponseError(
            "TikTok refused the request without an OAuth error body",
            status_code=response.status_code,
            log_id=response.headers.get("x-tt-logid"),
        )
    return body


def _require(body: Mapping[str, Any], response: httpx2.Response, *names: str) -> None:
    missing = [name for name in names if body.get(name) in (None, "")]
    if missing:
        raise UnexpectedResponseError(
            f"TikTok's token response lacks {', '.join(missing)}",
            status_code=response.status_code,
            log_id=response.headers.get("x-tt-logid"),
        )


def parse_token_set(response: httpx2.Response, now: datetime) -> TokenSet:
    return token_set_from(_oauth_body(response), response, now)


def token_set_from(body: Mapping[str, Any], response: httpx2.Response, now: datetime) -> TokenSet:
    """The token fields v2's body and v1's ``data`` share."""
    _require(
        body, response, "access_token", "expires_in", "open_id", "refresh_token",
        "refresh_expires_in",
    )
    return TokenSet(
        open_id=str(body["open_id"]),
        scopes=tuple(s for s in str(body.get("scope") or "").split(",") if s),
        access_token=str(body["access_token"]),
        access_expires_at=now + timedelta(seconds=int(body["expires_in"])),
        refresh_token=str(body["refresh_token"]),
        refresh_expires_at=now + timedelta(seconds=int(body["refresh_expires_in"])),
        token_type=str(body.get("token_type") or "Bearer"),
    )


def parse_client_token(response: httpx2.Response, now: datetime) -> ClientToken:
    body = _oauth_body(response)
    _require(body, response, "access_token", "expires_in")
    return ClientToken(
        access_token=str(body["access_token"]),
        expires_at=now + timedelta(seconds=int(body["expires_in"])),
        token_type=str(body.get("token_type") or "Bearer"),
    )


_PROFILE_FIELDS = frozenset(UserProfile.__dataclass_fields__) - {"raw"}


def parse_user_profile(response: httpx2.Response) -> UserProfile:
    body = _json_object(response)
    error = body.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if code != "ok" or response.status_code >= 400:
        if not isinstance(error, dict) or code is None:
            raise UnexpectedResponseError(
                "TikTok's user info answer lacks the error envelope",
                status_code=response.status_code,
                log_id=response.headers.get("x-tt-logid"),
            )
        raise APIError(
            str(code),
            str(error.get("message") or ""),
            log_id=str(error.get("log_id") or "") or None,
            status_code=response.status_code,
        )
    data = body.get("data")
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user, dict):
        raise UnexpectedResponseError(
            "TikTok's user info answer lacks data.user",
            status_code=response.status_code,
            log_id=error.get("log_id") if isinstance(error, dict) else None,
        )
    return UserProfile(**{k: v for k, v in user.items() if k in _PROFILE_FIELDS}, raw=user)


# -- operations ----------------------------------------------------------------------------


def exchange_code_flow(
    config: ClientConfig,
    policy: RetryPolicy,
    now: datetime,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str | None = None,
) -> Flow[TokenSet]:
    """``grant_type=authorization_code``; ``code`` is the URL-decoded value from the callback."""
    form = {
        "client_key": config.client_key,
        "client_secret": config.client_secret,
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
    }
    if code_verifier is not None:
        form["code_verifier"] = code_verifier
    request = _form_post(config, "/v2/oauth/token/", form)
    response = yield from _send(request, Resend.NEVER, policy)
    return parse_token_set(response, now)


def refresh_flow(
    config: ClientConfig, policy: RetryPolicy, now: datetime, *, refresh_token: str
) -> Flow[TokenSet]:
    """``grant_type=refresh_token``; the answer's refresh token replaces the one sent."""
    form = {
        "client_key": config.client_key,
        "client_secret": config.client_secret,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    request = _form_post(config, "/v2/oauth/token/", form)
    response = yield from _send(request, Resend.IF_NOT_SENT, policy)
    return parse_token_set(response, now)


def client_token_flow(
    config: ClientConfig, policy: RetryPolicy, now: datetime
) -> Flow[ClientToken]:
    form = {
        "client_key": config.client_key,
        "client_secret": config.client_secret,
        "grant_type": "client_credentials",
    }
    request = _form_post(config, "/v2/oauth/token/", form)
    response = yield from _send(request, Resend.IDEMPOTENT, policy)
    return parse_client_token(response, now)


def revoke_flow(config: ClientConfig, policy: RetryPolicy, *, access_token: str) -> Flow[None]:
    """Revoke the user's grant; TikTok takes the *access* token as ``token``."""
    form = {
        "client_key": config.client_key,
        "client_secret": config.client_secret,
        "token": access_token,
    }
    request = _form_post(config, "/v2/oauth/revoke/", form)
    response = yield from _send(request, Resend.IDEMPOTENT, policy)
    _oauth_body(response)


def user_info_flow(
    config: ClientConfig, policy: RetryPolicy, *, access_token: str, fields: Sequence[str]
) -> Flow[UserProfile]:
    request = httpx2.Request(
        "GET",
        f"{config.api_base_url}/v2/user/info/",
        params={"fields": ",".join(fields)},
        headers={**_headers(config), "Authorization": f"Bearer {access_token}"},
    )
    response = yield from _send(request, Resend.IDEMPOTENT, policy)
    return parse_user_profile(response)
