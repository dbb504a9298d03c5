"""What can go wrong when talking to TikTok, as a small tree of exceptions.

Every error raised by ``loginkit.client`` derives from :class:`TikTokClientError`. Refusals by
TikTok (:class:`OAuthError`, :class:`APIError`) carry TikTok's own ``error``/``code``,
description and ``log_id`` (quote the ``log_id`` to TikTok support). Failures to get an answer at
all are :class:`TransportError`. No exception message ever contains a token or secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIError",
    "AuthorizationDeniedError",
    "CallbackError",
    "InvalidGrantError",
    "NotLoggedInError",
    "OAuthError",
    "ReauthorizationRequiredError",
    "StateError",
    "StateExpiredError",
    "StateMismatchError",
    "TikTokClientError",
    "TransportError",
    "UnexpectedResponseError",
    "V1OAuthError",
    "V1UnavailableError",
]


class TikTokClientError(Exception):
    """Base class of every error raised by ``loginkit.client``."""


class TransportError(TikTokClientError):
    """No usable answer from TikTok: connection failure, timeout, retries exhausted."""


class UnexpectedResponseError(TikTokClientError):
    """TikTok answered, but not in any documented shape (e.g. HTML from a proxy, 502 page)."""

    def __init__(self, message: str, *, status_code: int, log_id: str | None = None) -> None:
        super().__init__(f"{message} (HTTP {status_code}, log_id={log_id})")
        self.status_code = status_code
        self.log_id = log_id


class OAuthError(TikTokClientError):
    """TikTok refused an OAuth request: ``{"error", "error_description", "log_id"}``.

    ``status_code`` is the HTTP status, which TikTok sometimes sets to 200 on errors.
    """

    def __init__(
        self,
        error: str,
        error_description: str = "",
        *,
        log_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(f"{error}: {error_description}" if error_description else error)
        self.error = error
        self.error_description = error_description
        self.log_id = log_id
        self.status_code = status_code

    @classmethod
    def from_body(
        cls, body: Mapping[str, Any], *, status_code: int | None, log_id: str | None
    ) -> OAuthError:
        """The most specific subclass for TikTok's flat OAuth error body."""
        error = str(body.get("error"))
        kind = InvalidGrantError if error == "invalid_grant" else OAuthError
        return kind(
            error,
            str(body.get("error_description") or ""),
            log_id=str(body.get("log_id") or log_id or "") or None,
            status_code=status_code,
        )


class InvalidGrantError(OAuthError):
    """The code or refresh token is invalid, expired, revoked or already used."""


class V1OAuthError(OAuthError):
    """A v1 OAuth refusal: ``{"data": {"error_code", "description"}, "message": "error"}``.

    ``error`` is v1's numeric ``error_code`` as text (e.g. ``"10002"``, parameter error).
    """

    def __init__(
        self, error_code: int, description: str, *, log_id: str | None, status_code: int
    ) -> None:
        super().__init__(str(error_code), description, log_id=log_id, status_code=status_code)
        self.error_code = error_code


class CallbackError(OAuthError):
    """TikTok redirected back with ``error`` instead of ``code`` (no ``log_id`` on redirects)."""


class AuthorizationDeniedError(CallbackError):
    """The user pressed Cancel on TikTok's consent page (``error=access_denied``)."""


class APIError(TikTokClientError):
    """A Display API refusal: the ``{"error": {"code", "message", "log_id"}}`` envelope."""

    def __init__(
        self, code: str, message: str = "", *, log_id: str | None = None, status_code: int
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.log_id = log_id
        self.status_code = status_code


class V1UnavailableError(TikTokClientError):
    """v1 OAuth asked of a configuration that may not use it (web since 2024-02-29, desktop).

    Raised before anything is sent; the message names the v2 call to make instead.
    """


class StateError(TikTokClientError):
    """The callback's ``state`` cannot be trusted; never exchange its code."""


class StateMismatchError(StateError):
    """The returned ``state`` is missing, forged, or belongs to another browser session."""


class StateExpiredError(StateError):
    """The login took longer than the state's lifetime; start again."""


class NotLoggedInError(TikTokClientError):
    """No tokens are stored for this user."""


class ReauthorizationRequiredError(TikTokClientError):
    """The refresh token is dead (expired, revoked, rotated away); the user must log in again."""
