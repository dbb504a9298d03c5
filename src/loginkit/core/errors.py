"""TikTok's OAuth and Display API errors: the one table of codes, HTTP statuses and wire texts.

Every refusal the emulator makes is one of these classes. Each carries TikTok's wire code, the
HTTP status we answer with, and a public description; ``detail`` is an internal explanation that is
logged (and shown on developer-facing pages) but never sent in an API body. ``rule`` names the
check that refused (stable, e.g. ``redirect_uri.mismatch``) and ``explanation`` says in plain words
what was received, what was expected and how to fix it (received secrets only masked); both go to
the emulator's request log. The fault board, the rate limits, the auth-failure throttle and the
body limits take their errors from here.

Sources: https://developers.tiktok.com/doc/oauth-error-handling and
https://developers.tiktok.com/doc/tiktok-api-v2-error-handling; texts TikTok answers in practice
where they differ from the docs' examples are cited where they are defined.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from loginkit.core.observations import note_refusal

__all__ = [
    "AccessDenied",
    "AccessTokenInvalid",
    "ApiError",
    "ApiInternalError",
    "ApiRateLimited",
    "ApiUnavailable",
    "AuthorizePageError",
    "InvalidClient",
    "InvalidGrant",
    "InvalidParams",
    "InvalidRequest",
    "InvalidScope",
    "LoginKitError",
    "OAuthError",
    "RateLimited",
    "RequestTooLarge",
    "ScopeNotAuthorized",
    "ScopePermissionMissed",
    "ServerError",
    "TemporarilyUnavailable",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "UnsupportedResponseType",
    "default_code",
    "error_class",
]


class LoginKitError(Exception):
    """Base of every refusal the protocol core raises."""

    code: ClassVar[str] = "server_error"
    status: ClassVar[int] = 500
    default_description: ClassVar[str] = "Internal error."
    retry_after: int | None = None
    """Seconds, sent as ``Retry-After`` (rate limits only)."""
    exact_status: ClassVar[bool] = False
    """Answer ``status`` even where the policy answers OAuth errors with 200 (a fault that names
    its status)."""

    def __init__(
        self,
        description: str | None = None,
        *,
        detail: str | None = None,
        rule: str | None = None,
        explanation: str | None = None,
    ) -> None:
        self.description = description or self.default_description
        self.detail = detail or self.description
        self.rule = rule
        self.explanation = explanation or self.detail
        note_refusal(rule, self.explanation)
        super().__init__(self.detail)


MISNAMED = {"client_key": "client_id"}
"""TikTok's parameter → the name other OAuth servers (and RFC 6749) use for it."""


def misnamed_explanation(param: str, misnamed: str) -> str:
    return (
        f"The request has {misnamed} but no {param}: TikTok names the app's key {param} "
        f"(RFC 6749's {misnamed} is not read). Send {param}=<your client key>."
    )


# ---- OAuth endpoints: flat {"error", "error_description", "log_id"} --------------------------


class OAuthError(LoginKitError):
    """An error of TikTok's OAuth endpoints (/v2/oauth/token/, /v2/oauth/revoke/).

    Wire shape (TikTok, oauth-error-handling): ``{"error", "error_description", "log_id"}``.
    """

    code = "invalid_request"
    status = 400
    default_description = "The request parameters are malformed."

    def to_body(self, log_id: str) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description, "log_id": log_id}


class InvalidRequest(OAuthError):
    """A required parameter is missing or malformed. TikTok also answers a redirect_uri mismatch
    and a PKCE failure with this code."""

    code = "invalid_request"

    @classmethod
    def missing(cls, param: str, received: Collection[str] = ()) -> InvalidRequest:
        """``received``: the names of the parameters sent, to spot a misnamed one."""
        # TikTok's documented example: "Client secret is missed in request."
        name = param.replace("_", " ").capitalize()
        misnamed = MISNAMED.get(param)
        if misnamed is not None and misnamed in received:
            return cls(
                f"{name} is missed in request.",
                detail=f"missing parameter {param!r} ({misnamed!r} sent instead)",
                rule=f"{param}.sent_as_{misnamed}",
                explanation=misnamed_explanation(param, misnamed),
            )
        return cls(
            f"{name} is missed in request.",
            detail=f"missing parameter {param!r}",
            rule=f"{param}.missing",
            explanation=f"The request has no {param}; TikTok requires it here.",
        )

    @classmethod
    def not_form(
        cls,
        detail: str,
        *,
        rule: str = "request.not_form_encoded",
        explanation: str | None = None,
    ) -> InvalidRequest:
        """A body that is not ``application/x-www-form-urlencoded``, or a duplicated
        Content-Type header: TikTok's text, backticks included, as integrators report it
        (https://developers.tiktok.com/doc/oauth-user-access-token-management asks for form
        bodies)."""
        return cls(
            "Only `application/x-www-form-urlencoded` is accepted as Content-Type.",
            detail=detail,
            rule=rule,
            explanation=explanation,
        )


class RequestTooLarge(InvalidRequest):
    """A body over the size limit (ours: TikTok documents none)."""

    status = 413


class InvalidClient(OAuthError):
    """Client authentication failed: unknown client_key or wrong client_secret (alike).

    The text is the one TikTok answers in practice (integrators' troubleshooting notes)."""

    code = "invalid_client"
    status = 401
    default_description = "Client key or secret is incorrect."


class InvalidGrant(OAuthError):
    """The code or refresh token is invalid, expired, revoked, used, or issued to another client."""

    code = "invalid_grant"
    default_description = "Authorization code is expired or invalid."


class InvalidScope(OAuthError):
    """The scope is unknown, malformed or not enabled for the app."""

    code = "invalid_scope"
    default_description = "The scope is invalid."


class UnauthorizedClient(OAuthError):
    """The client may not use this grant or endpoint."""

    code = "unauthorized_client"
    default_description = "The client is not authorized to use this method."


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"
    default_description = "The grant type is not supported."


class UnsupportedResponseType(OAuthError):
    code = "unsupported_response_type"
    default_description = "The response type is not supported."


class AccessDenied(OAuthError):
    code = "access_denied"
    status = 403
    default_description = "The resource owner or authorization server denied the request."


class ServerError(OAuthError):
    code = "server_error"
    status = 500
    default_description = "Internal server error."


class TemporarilyUnavailable(OAuthError):
    """Storage is unreachable; the request may be retried."""

    code = "temporarily_unavailable"
    status = 503
    default_description = "The service is temporarily unavailable. Please retry later."


class RateLimited(OAuthError):
    """Too many requests (or too many failed client authentications); see ``retry_after``."""

    code = "rate_limit_exceeded"
    status = 429
    default_description = "Too many requests. Please retry later."

    def __init__(self, retry_after: int, description: str | None = None) -> None:
        super().__init__(description, rule="rate_limit.exceeded")
        self.retry_after = max(1, retry_after)

    @classmethod
    def auth_failures(cls, retry_after: int) -> RateLimited:
        """Too many failed client authentications (ours: TikTok documents no such limit)."""
        return cls(retry_after, "Too many failed client authentications. Please retry later.")


# ---- Display API: {"data": {}, "error": {"code", "message", "log_id"}} -----------------------


class ApiError(LoginKitError):
    """An error of TikTok's v2 data APIs (tiktok-api-v2-error-handling)."""

    code = "internal_error"
    status = 500
    default_description = "Internal error."

    def to_body(self, log_id: str) -> dict[str, object]:
        return {
            "data": {},
            "error": {"code": self.code, "message": self.description, "log_id": log_id},
        }


class AccessTokenInvalid(ApiError):
    """A missing, unknown, expired or revoked token: the message TikTok answers in practice
    (the docs' table shows another example string)."""

    code = "access_token_invalid"
    status = 401
    default_description = "The access token is invalid or not found in the request."


class ScopeNotAuthorized(ApiError):
    """A requested field whose scope the user did not grant, as TikTok answers in practice."""

    code = "scope_not_authorized"
    status = 401
    default_description = (
        "The user did not authorize the scope required for completing this request."
    )


class ScopePermissionMissed(ApiError):
    """The scope-gap answer of TikTok's error table (no capture of it exists)."""

    code = "scope_permission_missed"
    status = 400
    default_description = "Some fields need additional scopes."


class InvalidParams(ApiError):
    code = "invalid_params"
    status = 400
    default_description = "Invalid parameters."


class ApiRateLimited(ApiError):
    """Over the Display API's per-client limit (600 requests per minute, documented)."""

    code = "rate_limit_exceeded"
    status = 429
    default_description = "Too many requests. Please retry later."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = max(1, retry_after)


class ApiInternalError(ApiError):
    pass


class ApiUnavailable(ApiError):
    """Storage is unreachable (ours: TikTok's table has no 503 code)."""

    code = "internal_error"
    status = 503
    default_description = "The service is temporarily unavailable. Please retry later."


_OAUTH_ERRORS: tuple[type[OAuthError], ...] = (
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    AccessDenied,
    RateLimited,
    ServerError,
    TemporarilyUnavailable,
)
_API_ERRORS: tuple[type[ApiError], ...] = (
    AccessTokenInvalid,
    InvalidParams,
    ScopeNotAuthorized,
    ScopePermissionMissed,
    ApiRateLimited,
    ApiInternalError,
)


def error_class(code: str, *, api: bool) -> type[LoginKitError] | None:
    """The class of TikTok's error ``code`` on the OAuth endpoints or (``api``) the Display API."""
    table: tuple[type[LoginKitError], ...] = _API_ERRORS if api else _OAUTH_ERRORS
    return next((kind for kind in table if kind.code == code), None)


def default_code(status: int, *, api: bool) -> str:
    """The code TikTok pairs with ``status`` (the first of the table; 5xx: the server error)."""
    table: tuple[type[LoginKitError], ...] = _API_ERRORS if api else _OAUTH_ERRORS
    if status == 503 and not api:
        return TemporarilyUnavailable.code
    if status >= 500:
        return ApiInternalError.code if api else ServerError.code
    match = next((kind for kind in table if kind.status == status), None)
    return match.code if match else (InvalidParams.code if api else InvalidRequest.code)


# ---- Authorize page: never redirected, shown to the user ------------------------------------


class AuthorizePageError(LoginKitError):
    """A misconfigured authorize request. TikTok shows a page naming the parameter to correct
    (``redirect_uri``, ``client_key``, ``scope``, ``code_challenge``, ``non_sandbox_target``...)
    and never redirects, so a forged redirect_uri cannot receive anything."""

    code = "invalid_request"
    status = 400

    def __init__(
        self, param: str, detail: str, *, rule: str | None = None, explanation: str | None = None
    ) -> None:
        super().__init__(param, detail=detail, rule=rule, explanation=explanation)
        self.param = param
