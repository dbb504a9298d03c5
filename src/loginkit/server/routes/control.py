"""The control API under ``/emulator/`` (JSON, admin token): how tests drive the emulator."""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loginkit.core.authorize import AuthorizeRequest
from loginkit.core.errors import AuthorizePageError, InvalidRequest, OAuthError
from loginkit.core.models import App, Platform, User
from loginkit.core.redirect_uris import NO_REDIRECT_URI, redirect_uri_errors
from loginkit.core.scopes import SCOPES
from loginkit.core.secrets import new_client_key, new_client_secret, new_id
from loginkit.core.store import AlreadyExists
from loginkit.core.v1 import redirect_domain_errors
from loginkit.emulator.runtime import admin
from loginkit.server.context import service, settings, throttle
from loginkit.server.endpoint import Family, endpoint

__all__ = ["routes"]


class Unauthorized(OAuthError):
    code = "invalid_token"
    status = 401
    default_description = "The control API needs 'Authorization: Bearer <admin token>'."


class NotFound(OAuthError):
    code = "not_found"
    status = 404


class Conflict(OAuthError):
    code = "conflict"
    status = 409


def _require_admin(request: Request) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings(request).admin_token
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise Unauthorized()


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise InvalidRequest("The body must be a JSON object.")
    return body


def _get(body: dict[str, Any], name: str, kind: type, *, required: bool = True) -> Any:
    if name not in body or body[name] is None:
        if required:
            raise InvalidRequest(f"'{name}' is required.")
        return None
    value = body[name]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise InvalidRequest(f"'{name}' must be a {kind.__name__}.")
    return value


def _string_list(body: dict[str, Any], name: str) -> tuple[str, ...]:
    values = _get(body, name, list)
    if not all(isinstance(v, str) for v in values):
        raise InvalidRequest(f"'{name}' must be a list of strings.")
    return tuple(values)


def _app_view(app: App, secret: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "client_key": app.client_key,
        "name": app.name,
        "redirect_uris": list(app.redirect_uris),
        "scopes": list(app.scopes),
        "platform": app.platform.value,
    }
    if app.redirect_domains:  # v1 only: shown for the apps that still have some
        view["redirect_domains"] = list(app.redirect_domains)
    if secret is not None:
        view["client_secret"] = secret
    return view


def _user_view(user: User) -> dict[str, Any]:
    view = asdict(user)
    view.pop("created_at")
    return view


def _admin(handler: Any) -> Any:
    async def guarded(request: Request) -> Response:
        _require_admin(request)
        response: Response = await handler(request)
        return response

    guarded.__name__ = handler.__name__
    return endpoint(Family.CONTROL)(guarded)


# ---- apps ---------------------------------------------------------------------------------------


def _validated_app_fields(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    name = _get(body, "name", str)
    if not name.strip():
        raise InvalidRequest("'name' must not be empty.")
    try:
        platform = Platform(_get(body, "platform", str, required=False) or "web")
    except ValueError as exc:
        choices = ", ".join(p.value for p in Platform)
        raise InvalidRequest(f"'platform' must be one of: {choices}.") from exc
    uris = _string_list(body, "redirect_uris")
    domains = _string_list(body, "redirect_domains") if "redirect_domains" in body else ()
    now = service(request).clock.now()
    domain_problems = redirect_domain_errors((), domains, platform, now)
    if domain_problems:
        raise InvalidRequest("Invalid redirect_domains: " + "; ".join(domain_problems) + ".")
    problems = redirect_uri_errors(
        uris, platform, strict=settings(request).policy.strict_redirect_uris
    )
    if domains:  # a v1 app without redirect URIs yet (v1 migration guide)
        problems = [p for p in problems if p != NO_REDIRECT_URI]
    if problems:
        raise InvalidRequest("Invalid redirect_uris: " + "; ".join(problems) + ".")
    scopes = _string_list(body, "scopes") if "scopes" in body else ("user.info.basic",)
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidRequest(f"Unknown scopes: {', '.join(unknown)}.")
    return {
        "name": name,
        "platform": platform,
        "redirect_uris": uris,
        "scopes": scopes,
        "redirect_domains": domains,
    }


@_admin
async def create_app(request: Request) -> Response:
    fields = _validated_app_fields(request, await _json_body(request))
    secret = new_client_secret()
    app = App(
        client_key=new_client_key(),
        secret_hash=service(request).secret_hasher.hash(secret),
        created_at=service(request).clock.now(),
        **fields,
    )
    await service(request).store.create_app(app)
    return JSONResponse(_app_view(app, secret), status_code=201)


@_admin
async def list_apps(request: Request) -> Response:
    return JSONResponse([_app_view(a) for a in await service(request).store.list_apps()])


async def _app_or_404(request: Request) -> App:
    app = await service(request).store.get_app(request.path_params["client_key"])
    if app is None:
        raise NotFound(f"No app has client_key {request.path_params['client_key']!r}.")
    return app


@_admin
async def show_app(request: Request) -> Response:
    return JSONResponse(_app_view(await _app_or_404(request)))


@_admin
async def delete_app(request: Request) -> Response:
    app = await _app_or_404(request)
    await service(request).store.delete_app(app.client_key)
    return Response(status_code=204)


@_admin
async def rotate_secret(request: Request) -> Response:
    app = await _app_or_404(request)
    secret = new_client_secret()
    app = await service(request).rotate_secret(app, secret)
    return JSONResponse(_app_view(app, secret))


# ---- users --------------------------------------------------------------------------------------

_PROFILE_FIELDS: dict[str, type] = {
    "avatar_url": str,
    "bio_description": str,
    "is_verified": bool,
    "follower_count": int,
    "following_count": int,
    "likes_count": int,
    "video_count": int,
}


@_admin
async def create_user(request: Request) -> Response:
    body = await _json_body(request)
    username = _get(body, "username", str)
    if not username.strip() or len(username) > 64:
        raise InvalidRequest("'username' must be 1 to 64 characters.")
    profile = {k: _get(body, k, t) for k, t in _PROFILE_FIELDS.items() if k in body}
    if any(isinstance(v, int) and not isinstance(v, bool) and v < 0 for v in profile.values()):
        raise InvalidRequest("Counts must not be negative.")
    user = User(
        user_id=new_id(),
        username=username,
        display_name=_get(body, "display_name", str, required=False) or username,
        created_at=service(request).clock.now(),
        **profile,
    )
    try:
        await service(request).store.create_user(user)
    except AlreadyExists as exc:
        raise Conflict(f"The username {username!r} is taken.") from exc
    return JSONResponse(_user_view(user), status_code=201)


@_admin
async def list_users(request: Request) -> Response:
    return JSONResponse([_user_view(u) for u in await service(request).store.list_users()])


# ---- authorize, clock, reset --------------------------------------------------------------------


@_admin
async def authorize(request: Request) -> Response:
    """The same validation and outcome as a user deciding on the authorize page."""
    body = await _json_body(request)
    params = {
        k: body[k]
        for k in (
            "client_key",
            "redirect_uri",
            "scope",
            "state",
            "response_type",
            "code_challenge",
            "code_challenge_method",
        )
        if isinstance(body.get(k), str)
    }
    svc = service(request)
    try:
        auth = await svc.validate_authorize(params)
    except AuthorizePageError as exc:
        raise InvalidRequest(f"{exc.param}: {exc.detail}") from exc
    return await decide(request, body, auth)


async def decide(request: Request, body: dict[str, Any], auth: AuthorizeRequest) -> Response:
    """Deny, or approve as ``body["user_id"]`` the scopes in ``body["approve"]``."""
    svc = service(request)
    if body.get("deny") is True:
        return JSONResponse({"redirect_to": svc.deny(auth)})
    user = await svc.store.get_user(_get(body, "user_id", str))
    if user is None:
        raise NotFound(f"No user has user_id {body['user_id']!r}.")
    approved = _string_list(body, "approve")
    return JSONResponse({"redirect_to": await svc.approve(auth, user, approved)})


@_admin
async def clock(request: Request) -> Response:
    svc = service(request)
    if request.method == "POST":
        seconds = _get(await _json_body(request), "advance_seconds", int)
        await svc.advance_clock(seconds)
    return JSONResponse({"now": svc.clock.now(), "offset_seconds": svc.clock.offset})


@_admin
async def reset(request: Request) -> Response:
    """Back to an empty emulator: data, clock, counters, pending faults and the request log."""
    await service(request).reset()
    await throttle(request).reset()
    runtime = admin(request)
    runtime.faults.clear()
    runtime.requests.clear()
    return JSONResponse({})


routes = [
    Route("/emulator/apps", create_app, methods=["POST"]),
    Route("/emulator/apps", list_apps, methods=["GET"]),
    Route("/emulator/apps/{client_key}", show_app, methods=["GET"]),
    Route("/emulator/apps/{client_key}", delete_app, methods=["DELETE"]),
    Route("/emulator/apps/{client_key}/secret", rotate_secret, methods=["POST"]),
    Route("/emulator/users", create_user, methods=["POST"]),
    Route("/emulator/users", list_users, methods=["GET"]),
    Route("/emulator/authorize", authorize, methods=["POST"]),
    Route("/emulator/clock", clock, methods=["GET", "POST"]),
    Route("/emulator/reset", reset, methods=["POST"]),
]
