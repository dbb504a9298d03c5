"""The web login flow without a framework: what the Starlette routes and Flask blueprint share.

``begin`` gives the authorize URL and the sealed state cookie; ``finish`` checks the callback
(state first, then TikTok's ``error``, then ``code``) and says what to exchange. ``error_page``
turns any failure into a status and a short HTML page that shows no secret.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from loginkit.client._base import BaseClient
from loginkit.client.errors import (
    AuthorizationDeniedError,
    CallbackError,
    OAuthError,
    StateError,
    TikTokClientError,
)
from loginkit.client.models import TokenSet
from loginkit.client.pkce import PKCE, ChallengeEncoding
from loginkit.client.state import PendingLogin, StateSealer

__all__ = ["SESSION_KEY", "CompletedLogin", "LoginFlow", "error_page", "safe_next_url"]

STATE_COOKIE = "loginkit_state"
SESSION_KEY = "tiktok_open_id"
"""Where the default ``on_login`` of the Starlette routes and the Flask blueprint puts the
logged-in user's ``open_id`` in the app's session."""


@dataclass(frozen=True)
class CompletedLogin:
    """Handed to the app's ``on_login``: the user's tokens and where the login started."""

    tokens: TokenSet
    next_url: str | None = None


def safe_next_url(candidate: str | None) -> str | None:
    """``candidate`` if it is a path on this site; anything else could be an open redirect."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return None
    return candidate


@dataclass
class LoginFlow:
    client: BaseClient
    secret: str | bytes = field(repr=False)
    scopes: Iterable[str] = ("user.info.basic",)
    pkce_encoding: ChallengeEncoding | None = "base64url"
    """TikTok's web docs list no PKCE, but its page was seen requiring it; ``None`` turns it off."""
    state_max_age: int = 600
    cookie_name: str = STATE_COOKIE

    def __post_init__(self) -> None:
        self.scopes = tuple(self.scopes)
        self.sealer = StateSealer(self.secret, max_age=self.state_max_age)

    def begin(
        self, redirect_uri: str, *, next_url: str | None = None, binding: str | None = None
    ) -> tuple[str, str]:
        """The authorize URL to redirect to, and the value of the state cookie to set."""
        pkce = PKCE.generate(self.pkce_encoding) if self.pkce_encoding else None
        pending = PendingLogin(
            state=self.sealer.new_state(),
            redirect_uri=redirect_uri,
            code_verifier=pkce.verifier if pkce else None,
            next_url=safe_next_url(next_url),
            binding=binding,
        )
        url = self.client.authorization_url(
            self.scopes, state=pending.state, pkce=pkce, redirect_uri=redirect_uri
        )
        return url, self.sealer.seal(pending)

    def finish(
        self, query: Mapping[str, str], sealed: str | None, *, binding: str | None = None
    ) -> tuple[PendingLogin, str]:
        """The pending login and the (already URL-decoded) code to exchange.

        Raises:
            StateError: the state is missing, forged, expired or from another session.
            CallbackError: TikTok sent ``error`` (``AuthorizationDeniedError`` on Cancel).
        """
        pending = self.sealer.open(sealed, query.get("state"), binding=binding)
        error = query.get("error")
        if error:
            kind = AuthorizationDeniedError if error == "access_denied" else CallbackError
            raise kind(error, query.get("error_description", ""))
        code = query.get("code")
        if not code:
            raise CallbackError("invalid_request", "The callback carries no code.")
        return pending, code


def error_page(exc: TikTokClientError) -> tuple[int, str]:
    """HTTP status and an HTML page for a failed login."""
    if isinstance(exc, AuthorizationDeniedError):
        status, title, text = 403, "Login cancelled", "You cancelled the login with TikTok."
    elif isinstance(exc, CallbackError):
        status, title = 400, "TikTok could not log you in"
        text = f"{exc.error}: {exc.error_description}".rstrip(": ")
    elif isinstance(exc, StateError):
        status, title, text = 400, "Login expired or not started here", str(exc)
    elif isinstance(exc, OAuthError):
        status, title = 502, "TikTok refused the login"
        text = f"{exc.error}: {exc.error_description} (log_id {exc.log_id})"
    else:
        status, title, text = 502, "TikTok is unreachable", "Please try again in a moment."
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        "</body></html>"
    )
    return status, page
