"""``GET /v2/auth/authorize/``: TikTok's login and consent pages, played by the emulator.

v1's ``GET /auth/authorize/`` shows the same pages with v1's rules (redirect domains, no PKCE,
the platform's end of life); the decision mints a v1 code.

A misconfigured request gets TikTok's error page naming the parameter to correct, never a
redirect. A valid one becomes a pending authorization of this browser session (see
``loginkit.core.pending``): the login page (pick a test user or create one; no password) and the
consent page carry only its id, and the decision names it and the scopes left switched on. The
core decides everything; these handlers parse forms and render pages.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from loginkit.core.approval import Begun
from loginkit.core.errors import AuthorizePageError, InvalidRequest
from loginkit.core.models import OAuthVersion
from loginkit.core.scopes import SCOPES
from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint
from loginkit.server.forms import read_query
from loginkit.server.personas import avatar_src, persona_from_form
from loginkit.server.routes.v1 import Handler, logged_as_v1
from loginkit.server.security import (
    CsrfError,
    browser_session_id,
    check_csrf,
    csrf_token,
    start_browser_session,
)
from loginkit.server.templates import render

__all__ = ["routes"]

AUTHORIZE_PATH = "/v2/auth/authorize/"
V1_AUTHORIZE_PATH = "/auth/authorize/"
SCOPE_FIELD = "scope:"
DECISION_FIELDS = frozenset({"csrf_token", "pending_id", "decision"})
"""All a decision may carry besides ``scope:<name>`` switches: the rest is in the record."""


class CsrfRefused(AuthorizePageError):
    status = 403


def _path(version: OAuthVersion) -> str:
    """The API the page belongs to: its forms post back under the same path."""
    return V1_AUTHORIZE_PATH if version is OAuthVersion.V1 else AUTHORIZE_PATH


def _continue(shown_version: OAuthVersion, pending_id: str) -> RedirectResponse:
    query = urlencode({"pending_id": pending_id})
    return RedirectResponse(f"{_path(shown_version)}continue?{query}", status_code=303)


def _scope_rows(scopes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "description": SCOPES[name].description,
            "required": not SCOPES[name].toggleable,
        }
        for name in scopes
    ]


async def _page(request: Request, shown: Begun, errors: list[str] | None = None) -> Response:
    """The login page when nobody is signed in, else the consent page."""
    request.state.client_key = shown.app.client_key  # for the request log
    base_url = settings(request).base_url
    common: dict[str, Any] = {
        "authorize_path": _path(shown.pending.version),
        "pending_id": shown.pending.pending_id,
        "csrf": csrf_token(request),
    }
    if shown.user is None:
        users = [
            {**asdict(u), "avatar": avatar_src(base_url, u)}
            for u in await service(request).store.list_users()
        ]
        chooser = {"app_name": shown.app.name, "users": users, "errors": errors or []}
        return render(request, "login.html", common | chooser)
    redirect_uri = shown.pending.redirect_uri
    consent = {
        "app": shown.app,
        "user": shown.user,
        "avatar": avatar_src(base_url, shown.user),
        "scopes": _scope_rows(shown.pending.scopes),
        "redirect_host": redirect_uri.split("/")[2] if "//" in redirect_uri else "",
    }
    return render(request, "consent.html", common | consent)


async def _authorize(request: Request, version: OAuthVersion) -> Response:
    try:
        params = read_query(request)
    except InvalidRequest as exc:
        raise AuthorizePageError("request", exc.detail) from exc
    request.state.client_key = params.get("client_key") or None  # for the request log
    svc = service(request)
    auth = await svc.validate_authorize(params, version)
    shown = await svc.begin_authorization(
        auth, browser_session_id(request), disable_auto_auth=params.get("disable_auto_auth") == "1"
    )
    if shown.redirect_to is not None:
        return RedirectResponse(shown.redirect_to, status_code=302)
    return await _page(request, shown)


@endpoint(Family.PAGE)
async def authorize(request: Request) -> Response:
    return await _authorize(request, OAuthVersion.V2)


@endpoint(Family.PAGE)
async def v1_authorize(request: Request) -> Response:
    return await _authorize(request, OAuthVersion.V1)


@endpoint(Family.PAGE)
async def continue_authorization(request: Request) -> Response:
    """The page of a pending authorization after a login or an account switch."""
    pending_id = request.query_params.get("pending_id", "")
    shown = await service(request).pending_authorization(pending_id, browser_session_id(request))
    return await _page(request, shown)


async def _checked_form(request: Request) -> FormData:
    form = await request.form()
    try:
        check_csrf(request, form)
    except CsrfError as exc:
        raise CsrfRefused("csrf_token", str(exc)) from exc
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@endpoint(Family.PAGE)
async def login(request: Request) -> Response:
    """Sign in as a listed test user, or create one on the spot."""
    form = await _checked_form(request)
    pending_id, session_id = _text(form, "pending_id"), browser_session_id(request)
    svc = service(request)
    shown = await svc.pending_authorization(pending_id, session_id)
    user_id = _text(form, "user_id")
    if user_id:
        user = await svc.store.get_user(user_id)
        if user is None:
            return await _page(request, shown, ["That test user no longer exists."])
    else:
        created = await persona_from_form(request, form)
        if isinstance(created, list):
            return await _page(request, shown, created)
        user = created
    start_browser_session(request, await svc.sign_in(pending_id, session_id, user))
    return _continue(shown.pending.version, pending_id)


@endpoint(Family.PAGE)
async def switch_account(request: Request) -> Response:
    form = await _checked_form(request)
    pending_id, svc = _text(form, "pending_id"), service(request)
    shown = await svc.pending_authorization(pending_id, browser_session_id(request))
    await svc.switch_account(pending_id, browser_session_id(request))
    return _continue(shown.pending.version, pending_id)


@endpoint(Family.PAGE)
async def decide(request: Request) -> Response:
    """Authorize (with the scopes left switched on) or Cancel: back to the app either way."""
    form = await _checked_form(request)
    unexpected = sorted(
        {k for k in form if k not in DECISION_FIELDS and not k.startswith(SCOPE_FIELD)}
    )
    if unexpected:
        raise AuthorizePageError(
            "request",
            f"Unexpected field(s): {', '.join(unexpected)}. A decision names the pending "
            "authorization and the scopes switched on; the rest was fixed when it was asked.",
        )
    switched_on = tuple(
        name.removeprefix(SCOPE_FIELD)
        for name, value in form.multi_items()
        if name.startswith(SCOPE_FIELD) and value == "on"
    )
    approved = switched_on if _text(form, "decision") == "authorize" else None
    redirect_to = await service(request).decide(
        _text(form, "pending_id"), browser_session_id(request), approved
    )
    return RedirectResponse(redirect_to, status_code=303)


def _routes(path: str, page: Handler, continued: Handler) -> list[Route]:
    return [
        Route(path, page, methods=["GET"]),
        Route(path.rstrip("/"), page, methods=["GET"]),
        Route(path + "continue", continued, methods=["GET"]),
        Route(path + "login", login, methods=["POST"]),
        Route(path + "switch", switch_account, methods=["POST"]),
        Route(path + "decision", decide, methods=["POST"]),
    ]


# v1's pages are logged as v1 calls, which the migration checker counts.
routes = [
    *_routes(AUTHORIZE_PATH, authorize, continue_authorization),
    *_routes(V1_AUTHORIZE_PATH, logged_as_v1(v1_authorize), logged_as_v1(continue_authorization)),
]
