"""Sessions, CSRF and portal access for the emulator's pages.

The session is Starlette's signed cookie (itsdangerous), HttpOnly and SameSite=Lax, ``Secure``
when the server is reached over https. It holds three things: the browser session id (who is
signed in under it is kept server-side, so that a user can be signed out from elsewhere), the
portal login, and the CSRF token every form carries.

Form posts to the pages (authorize pages and portal) are refused with a 403 page when the
browser says they come from another site: an ``Origin`` other than the emulator's own, or
``Sec-Fetch-Site: cross-site`` (the checks of the OWASP CSRF Prevention Cheat Sheet, "Verifying
Origin with standard headers" and "Fetch Metadata headers"). Clients that send neither header
still need the CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from loginkit.config import Settings
from loginkit.core.pending import new_session_id
from loginkit.server.context import client_address, settings
from loginkit.server.templates import render

__all__ = [
    "CSRF_FIELD",
    "CsrfError",
    "browser_session_id",
    "check_csrf",
    "csrf_token",
    "portal_admin_granted",
    "session_middleware",
    "sign_in_admin",
    "sign_out_admin",
    "start_browser_session",
]

CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "loginkit_session"
SESSION_MAX_AGE = 8 * 60 * 60
LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})


class CsrfError(Exception):
    """A form came without the session's CSRF token."""


API_PATHS = ("/v2/oauth/", "/v2/user/", "/oauth/", "/emulator/", "/healthz", "/readyz", "/metrics")
"""Endpoints for programs, not browsers: they never read or set the session cookie."""


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _SameSiteForms:
    """Refuse cross-site posts to the pages before they reach a handler."""

    def __init__(self, app: ASGIApp, own_origin: str) -> None:
        self._app = app
        self._own_origin = own_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method", "GET") not in SAFE_METHODS:
            request = Request(scope, receive)
            refusal = self._refusal(request)
            if refusal is not None:
                response = render(
                    request,
                    "authorize_error.html",
                    {"param": "Origin", "detail": refusal},
                    status=403,
                )
                response.headers["Cache-Control"] = "no-store"
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)

    def _refusal(self, request: Request) -> str | None:
        if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
            return "A form of another site was posted here (Sec-Fetch-Site: cross-site)."
        origin = request.headers.get("origin")
        if origin is None:
            return None
        # The emulator's public URL, or the host the browser itself addressed.
        own = {self._own_origin, f"{request.url.scheme}://{request.headers.get('host', '')}"}
        if origin.lower() not in own:
            return f"A form of another origin ({origin}) was posted here."
        return None


class _SessionForPages:
    """Starlette's ``SessionMiddleware`` on the pages only: the API endpoints, the hot path,
    skip decoding and re-signing a cookie they never use."""

    def __init__(self, app: ASGIApp, /, own_origin: str, **session_options: Any) -> None:
        self._api = app
        self._pages = SessionMiddleware(_SameSiteForms(app, own_origin), **session_options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PATHS):
            await self._api(scope, receive, send)
        else:
            await self._pages(scope, receive, send)


def session_middleware(config: Settings) -> Middleware:
    # Derived, so that the admin token itself never signs anything a browser holds.
    key = hmac.new(config.admin_token.encode(), b"loginkit session", hashlib.sha256).hexdigest()
    return Middleware(
        _SessionForPages,
        own_origin=_origin(config.base_url),
        secret_key=key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=config.base_url.startswith("https://"),
    )


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def browser_session_id(request: Request) -> str:
    """The browser's session id, made on its first visit (random, in the signed cookie)."""
    session_id = request.session.get("sid")
    if not isinstance(session_id, str):
        session_id = new_session_id()
        request.session["sid"] = session_id
    return session_id


def start_browser_session(request: Request, session_id: str) -> None:
    """Adopt the session id a login made (the old one, perhaps planted, is worth nothing now)."""
    request.session["sid"] = session_id


def check_csrf(request: Request, form: Mapping[str, object]) -> None:
    expected = request.session.get("csrf")
    sent = form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(sent, str):
        raise CsrfError("the form has no CSRF token or the session expired")
    if not hmac.compare_digest(expected, sent):
        raise CsrfError("the form's CSRF token does not match the session")


def portal_admin_granted(request: Request) -> bool:
    """Signed in with the admin token, or ``loginkit up`` serving a loopback browser."""
    if request.session.get("admin") is True:
        return True
    return settings(request).portal_open_on_loopback and client_address(request) in (
        LOOPBACK_ADDRESSES
    )


def sign_in_admin(request: Request, token: str) -> bool:
    if not hmac.compare_digest(token.encode(), settings(request).admin_token.encode()):
        return False
    request.session["admin"] = True
    request.session["csrf"] = secrets.token_urlsafe(24)  # a fresh token after privilege change
    return True


def sign_out_admin(request: Request) -> None:
    request.session.pop("admin", None)
