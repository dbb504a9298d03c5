"""``GET /v2/auth/authorize/``: TikTok's login and consent pages, played by the emulator.

v1's ``GET /auth/authorize/`` shows the same pages; its forms post under ``/auth/authorize/``, so
every step validates with v1's rules (redirect domains, no PKCE, the platform's end of life) and
the decision mints a v1 code.

A misconfigured request gets TikTok's error page naming the parameter to correct, never a
redirect. A valid one shows the login page (pick a test user or create one; no password) and
then the consent page, whose toggles let the user decline optional scopes. The decision comes back
as a form POST carrying the original query, which is validated again before anything redirects.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from loginkit.core import v1
from loginkit.core.authorize import AuthorizeRequest
from loginkit.core.errors import AuthorizePageError, InvalidRequest
from loginkit.core.models import User
from loginkit.core.sandbox import check_sandbox_target
from loginkit.core.scopes import SCOPES
from loginkit.emulator.runtime import admin_store
from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint
from loginkit.server.forms import parse_params
from loginkit.server.personas import avatar_src, persona_from_form
from loginkit.server.routes.v1 import Handler, logged_as_v1
from loginkit.server.security import CsrfError, check_csrf, csrf_token
from loginkit.server.templates import render

__all__ = ["routes"]

AUTHORIZE_PATH = "/v2/auth/authorize/"
V1_AUTHORIZE_PATH = "/auth/authorize/"
SESSION_USER = "user_id"


def _error_page(request: Request, param: str, detail: str, status: int = 400) -> Response:
    return render(
        request, "authorize_error.html", {"param": param, "detail": detail}, status=status
    )


def _authorize_path(request: Request) -> str:
    """The API the page belongs to: its forms post back under the same path."""
    is_v1 = request.url.path.startswith(V1_AUTHORIZE_PATH.rstrip("/"))
    return V1_AUTHORIZE_PATH if is_v1 else AUTHORIZE_PATH


async def _validated(request: Request, query: str) -> AuthorizeRequest:
    try:
        params = parse_params(query)
    except InvalidRequest as exc:
        raise AuthorizePageError("request", exc.detail) from exc
    request.state.client_key = params.get("client_key") or None  # for the request log
    svc = service(request)
    if _authorize_path(request) == V1_AUTHORIZE_PATH:
        app = await svc.store.get_app(params.get("client_key", ""))
        return v1.validate_authorize(params, app, svc.policy, svc.clock.now())
    return await svc.validate_authorize(params)


async def _signed_in_user(request: Request) -> User | None:
    user_id = request.session.get(SESSION_USER)
    return await service(request).store.get_user(user_id) if isinstance(user_id, str) else None


def _back_to_authorize(request: Request, query: str) -> RedirectResponse:
    return RedirectResponse(f"{_authorize_path(request)}?{query}", status_code=303)


def _is_required(name: str) -> bool:
    """``user.info.basic`` (not toggleable) must be granted when requested."""
    return not SCOPES[name].toggleable


def _scope_rows(auth: AuthorizeRequest) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "description": SCOPES[name].description,
            "required": _is_required(name),
        }
        for name in auth.scopes
    ]


async def _login_page(
    request: Request, auth: AuthorizeRequest, query: str, errors: list[str] | None = None
) -> Response:
    base_url = settings(request).base_url
    users = [
        {**asdict(u), "avatar": avatar_src(base_url, u)}
        for u in await service(request).store.list_users()
    ]
    context = {
        "app_name": auth.app.name,
        "users": users,
        "authorize_path": _authorize_path(request),
        "query": query,
        "csrf": csrf_token(request),
        "errors": errors or [],
    }
    return render(request, "login.html", context)


async def _consent_or_refusal(
    request: Request, auth: AuthorizeRequest, user: User, query: str
) -> Response:
    await check_sandbox_target(admin_store(request), auth.app, user)
    context = {
        "app": auth.app,
        "user": user,
        "avatar": avatar_src(settings(request).base_url, user),
        "scopes": _scope_rows(auth),
        "authorize_path": _authorize_path(request),
        "query": query,
        "csrf": csrf_token(request),
        "redirect_host": auth.redirect_uri.split("/")[2] if "//" in auth.redirect_uri else "",
    }
    return render(request, "consent.html", context)


@endpoint(Family.CONTROL)
async def authorize(request: Request) -> Response:
    query = request.url.query
    try:
        auth = await _validated(request, query)
        user = await _signed_in_user(request)
        if user is None:
            return await _login_page(request, auth, query)
        return await _consent_or_refusal(request, auth, user, query)
    except AuthorizePageError as exc:
        return _error_page(request, exc.param, exc.detail)


async def _checked_form(request: Request) -> FormData:
    form = await request.form()
    check_csrf(request, form)
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@endpoint(Family.CONTROL)
async def login(request: Request) -> Response:
    """Sign in as a listed test user, or create one on the spot."""
    try:
        form = await _checked_form(request)
        query = _text(form, "query")
        auth = await _validated(request, query)
    except CsrfError as exc:
        return _error_page(request, "csrf_token", str(exc), status=403)
    except AuthorizePageError as exc:
        return _error_page(request, exc.param, exc.detail)
    user_id = _text(form, "user_id")
    if user_id:
        user = await service(request).store.get_user(user_id)
        if user is None:
            return await _login_page(request, auth, query, ["That test user no longer exists."])
    else:
        created = await persona_from_form(request, form)
        if isinstance(created, list):
            return await _login_page(request, auth, query, created)
        user = created
    request.session[SESSION_USER] = user.user_id
    return _back_to_authorize(request, query)


@endpoint(Family.CONTROL)
async def switch_account(request: Request) -> Response:
    try:
        form = await _checked_form(request)
    except CsrfError as exc:
        return _error_page(request, "csrf_token", str(exc), status=403)
    request.session.pop(SESSION_USER, None)
    return _back_to_authorize(request, _text(form, "query"))


@endpoint(Family.CONTROL)
async def decide(request: Request) -> Response:
    """Authorize (with the scopes left switched on) or Cancel: back to the app either way."""
    try:
        form = await _checked_form(request)
        auth = await _validated(request, _text(form, "query"))
        user = await _signed_in_user(request)
        if user is None:
            return _back_to_authorize(request, _text(form, "query"))
        await check_sandbox_target(admin_store(request), auth.app, user)
    except CsrfError as exc:
        return _error_page(request, "csrf_token", str(exc), status=403)
    except AuthorizePageError as exc:
        return _error_page(request, exc.param, exc.detail)
    svc = service(request)
    if _text(form, "decision") != "authorize":
        return RedirectResponse(svc.deny(auth), status_code=303)
    granted = tuple(s for s in auth.scopes if _is_required(s) or form.get(f"scope:{s}") == "on")
    return RedirectResponse(await svc.approve(auth, user, granted), status_code=303)


def _routes(path: str, page: Handler) -> list[Route]:
    return [
        Route(path, page, methods=["GET"]),
        Route(path.rstrip("/"), page, methods=["GET"]),
        Route(path + "login", login, methods=["POST"]),
        Route(path + "switch", switch_account, methods=["POST"]),
        Route(path + "decision", decide, methods=["POST"]),
    ]


# v1's pages are logged as v1 calls, which the migration checker counts.
routes = [*_routes(AUTHORIZE_PATH, authorize), *_routes(V1_AUTHORIZE_PATH, logged_as_v1(authorize))]
