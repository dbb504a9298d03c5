"""The control API under ``/emulator/`` (JSON, admin token): how tests drive the emulator.

Each operation is declared with its typed body and answer (``control_models``); ``/openapi.json``
publishes the same declarations.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from loginkit.core.errors import AuthorizePageError, InvalidRequest
from loginkit.core.models import App, OAuthVersion, User
from loginkit.core.registration import Registration, problems_text, validate_registration
from loginkit.core.secrets import new_client_secret, new_id
from loginkit.core.store import AlreadyExists
from loginkit.emulator.registrations import (
    app_settings_of,
    create_registered_app,
    registration_of,
    update_registration,
)
from loginkit.emulator.runtime import admin, admin_store
from loginkit.server.context import reset_emulator, service, settings
from loginkit.server.endpoint import Family, endpoint
from loginkit.server.responses import JSONResponse
from loginkit.server.routes.control_contract import (
    Conflict,
    NotFound,
    operation,
    require_admin,
)
from loginkit.server.routes.control_models import (
    AppCreate,
    AppPatch,
    AppView,
    AppWithSecret,
    AuthorizeBody,
    ClockAdvance,
    ClockView,
    Empty,
    Redirect,
    SignedOut,
    UserCreate,
    UserView,
)

__all__ = ["routes"]


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


def _admin(handler: Any) -> Any:
    async def guarded(request: Request) -> Response:
        require_admin(request)
        response: Response = await handler(request)
        return response

    guarded.__name__ = handler.__name__
    return endpoint(Family.CONTROL)(guarded)


# ---- apps ---------------------------------------------------------------------------------------


def _view_fields(app: App, registration: Registration) -> dict[str, Any]:
    return {
        "client_key": app.client_key,
        "name": app.name,
        "platform": app.platform,
        "redirect_uris": list(app.redirect_uris),
        "scopes": list(app.scopes),
        "redirect_domains": list(app.redirect_domains),
        "webhook_url": registration.webhook_url,
        "sandbox": registration.sandbox,
        "sandbox_targets": list(registration.sandbox_targets),
    }


async def _registration(request: Request, app: App) -> Registration:
    return registration_of(app, await app_settings_of(admin_store(request), app.client_key))


async def app_view(request: Request, app: App) -> AppView:
    return AppView(**_view_fields(app, await _registration(request, app)))


async def _validated(
    request: Request, body: AppCreate | AppPatch, current: Registration | None
) -> Registration:
    svc = service(request)
    users = {u.user_id for u in await svc.store.list_users()} if body.sandbox_targets else None
    checked = validate_registration(
        body.changes() if isinstance(body, AppPatch) else body.model_dump(exclude_unset=True),
        now=svc.clock.now(),
        strict=settings(request).policy.strict_redirect_uris,
        current=current,
        user_ids=users,
    )
    if isinstance(checked, list):
        raise InvalidRequest(problems_text(checked))
    return checked


@operation(
    "POST", "/emulator/apps", "Register an app", body=AppCreate, returns=AppWithSecret, status=201
)
async def create_app(request: Request, body: AppCreate) -> AppWithSecret:
    registration = await _validated(request, body, None)
    secret = new_client_secret()
    svc = service(request)
    stored = svc.secret_hasher.hash(secret)
    app = await create_registered_app(
        admin_store(request), registration, secret_hash=stored, now=svc.clock.now()
    )
    return AppWithSecret(**_view_fields(app, registration), client_secret=secret)


@operation("GET", "/emulator/apps", "List apps", returns=list[AppView])
async def list_apps(request: Request) -> list[AppView]:
    return [await app_view(request, a) for a in await service(request).store.list_apps()]


async def _app_or_404(request: Request) -> App:
    app = await service(request).store.get_app(request.path_params["client_key"])
    if app is None:
        raise NotFound(f"No app has client_key {request.path_params['client_key']!r}.")
    return app


_APP_PATH = "/emulator/apps/{client_key}"


@operation("GET", _APP_PATH, "Show an app", returns=AppView, errors=(401, 404))
async def show_app(request: Request) -> AppView:
    return await app_view(request, await _app_or_404(request))


@operation(
    "PATCH",
    _APP_PATH,
    "Change an app's registration",
    body=AppPatch,
    returns=AppView,
    errors=(400, 401, 404),
)
async def update_app(request: Request, body: AppPatch) -> AppView:
    app = await _app_or_404(request)
    registration = await _validated(request, body, await _registration(request, app))
    app = await update_registration(admin_store(request), app, registration)
    return AppView(**_view_fields(app, registration))


@operation("DELETE", _APP_PATH, "Delete an app and its tokens", status=204, errors=(401, 404))
async def delete_app(request: Request) -> None:
    app = await _app_or_404(request)
    await service(request).store.delete_app(app.client_key)
    admin(request).known_secrets.pop(app.client_key, None)


@operation(
    "POST",
    f"{_APP_PATH}/secret",
    "Rotate the client secret",
    returns=AppWithSecret,
    errors=(401, 404),
)
async def rotate_secret(request: Request) -> AppWithSecret:
    app = await _app_or_404(request)
    secret = new_client_secret()
    app = await service(request).rotate_secret(app, secret)
    admin(request).known_secrets.pop(app.client_key, None)  # the portal must not reveal the old
    fields = _view_fields(app, await _registration(request, app))
    return AppWithSecret(**fields, client_secret=secret)


# ---- users --------------------------------------------------------------------------------------


def _user_view(user: User) -> UserView:
    return UserView.model_validate(user, from_attributes=True)


@operation(
    "POST",
    "/emulator/users",
    "Create a test user",
    body=UserCreate,
    returns=UserView,
    status=201,
    errors=(400, 401, 409),
)
async def create_user(request: Request, body: UserCreate) -> UserView:
    fields = body.model_dump(exclude_none=True)
    fields.setdefault("display_name", body.username)
    user = User(user_id=new_id(), created_at=service(request).clock.now(), **fields)
    try:
        await service(request).store.create_user(user)
    except AlreadyExists as exc:
        raise Conflict(f"The username {body.username!r} is taken.") from exc
    return _user_view(user)


@operation("GET", "/emulator/users", "List test users", returns=list[UserView])
async def list_users(request: Request) -> list[UserView]:
    return [_user_view(u) for u in await service(request).store.list_users()]


# ---- authorize, clock, reset --------------------------------------------------------------------


@operation(
    "POST",
    "/emulator/authorize",
    "Approve or deny as a user",
    body=AuthorizeBody,
    returns=Redirect,
    errors=(400, 401, 404),
)
async def authorize(request: Request, payload: AuthorizeBody) -> Response:
    """The same validation and approval as a user deciding on the authorize page."""
    body = payload.model_dump(exclude_none=True)
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
    return await decide(request, body, params, OAuthVersion.V2)


async def decide(
    request: Request, body: dict[str, Any], params: dict[str, str], version: OAuthVersion
) -> Response:
    """Deny, or approve as ``body["user_id"]`` (or ``body["username"]``) the scopes in
    ``body["approve"]``: a pending authorization made and decided at once, in the core."""
    svc = service(request)
    try:
        auth = await svc.validate_authorize(params, version)
        if body.get("deny") is True:
            redirect_to = await svc.decide_without_browser(auth, None, None)
        else:
            user = await _user_of(request, body)
            approved = _string_list(body, "approve")
            redirect_to = await svc.decide_without_browser(auth, user, approved)
    except AuthorizePageError as exc:
        raise InvalidRequest(f"{exc.param}: {exc.detail}") from exc
    return JSONResponse({"redirect_to": redirect_to})


async def _user_of(request: Request, body: dict[str, Any]) -> User:
    store = service(request).store
    if body.get("user_id") is None and body.get("username") is not None:
        username = _get(body, "username", str)
        by_name = await store.get_user_by_username(username)
        if by_name is None:
            raise NotFound(f"No user has username {username!r}.")
        return by_name
    user_id = _get(body, "user_id", str)
    user = await store.get_user(user_id)
    if user is None:
        raise NotFound(f"No user has user_id {user_id!r}.")
    return user


@operation(
    "POST",
    "/emulator/users/{user}/sign-out",
    "End a user's emulator browser sessions",
    returns=SignedOut,
    errors=(401, 404),
)
async def sign_out_user(request: Request) -> SignedOut:
    """``POST /emulator/users/{user}/sign-out`` (a user_id or a username)."""
    store, who = service(request).store, request.path_params["user"]
    user = await store.get_user(who) or await store.get_user_by_username(who)
    if user is None:
        raise NotFound(f"No user has user_id or username {who!r}.")
    ended = await service(request).sign_out_user(user.user_id)
    return SignedOut(user_id=user.user_id, username=user.username, sessions=ended)


def _clock_view(request: Request) -> ClockView:
    svc = service(request)
    return ClockView(now=svc.clock.now(), offset_seconds=svc.clock.offset)


@operation("GET", "/emulator/clock", "Read the emulator's clock", returns=ClockView, errors=(401,))
async def read_clock(request: Request) -> ClockView:
    return _clock_view(request)


@operation(
    "POST", "/emulator/clock", "Move the emulator's clock", body=ClockAdvance, returns=ClockView
)
async def advance_clock(request: Request, body: ClockAdvance) -> ClockView:
    try:
        await service(request).advance_clock(body.advance_seconds)
    except ValueError as exc:
        raise InvalidRequest(f"advance_seconds: {exc}.") from exc
    return _clock_view(request)


@operation("POST", "/emulator/reset", "Back to an empty emulator", returns=Empty, errors=(401,))
async def reset(request: Request) -> Empty:
    """Back to an empty emulator: ``reset_emulator``."""
    await reset_emulator(request)
    return Empty()


routes = [
    create_app,
    list_apps,
    show_app,
    update_app,
    delete_app,
    rotate_secret,
    create_user,
    list_users,
    sign_out_user,
    authorize,
    read_clock,
    advance_clock,
    reset,
]
