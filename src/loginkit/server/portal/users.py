"""The developer portal, part two: test users ("personas") and, per user, "Manage app
permissions" as the user sees it on TikTok: disconnecting an app revokes its tokens and sends
the app ``authorization.removed`` with reason 1."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.errors import OAuthError
from loginkit.core.models import User
from loginkit.core.scopes import SCOPES
from loginkit.core.webhooks import RemovalReason
from loginkit.emulator.runtime import admin, admin_store
from loginkit.server.context import service, settings
from loginkit.server.personas import COUNT_FIELDS, avatar_src, persona_from_form
from loginkit.server.portal.pages import page, redirect, render_page

__all__ = ["routes"]


class UserNotFound(OAuthError):
    code = "not_found"
    status = 404


async def _user_or_404(request: Request) -> User:
    user = await service(request).store.get_user(request.path_params["user_id"])
    if user is None:
        raise UserNotFound(f"No user has user_id {request.path_params['user_id']!r}.")
    return user


async def _users_page(request: Request, errors: list[str] | None = None) -> Response:
    base_url = settings(request).base_url
    users = [(u, avatar_src(base_url, u)) for u in await service(request).store.list_users()]
    context = {"users": users, "errors": errors or []}
    return render_page(request, "portal/users.html", context)


@page
async def users_page(request: Request) -> Response:
    return await _users_page(request)


@page
async def create_user(request: Request, form: FormData) -> Response:
    created = await persona_from_form(request, form)
    if isinstance(created, list):
        return await _users_page(request, created)
    return redirect(f"/portal/users/{created.user_id}", request, f"Created @{created.username}.")


async def _user_page(request: Request, user: User, errors: list[str] | None = None) -> Response:
    grants = await admin_store(request).list_grants(user_id=user.user_id)
    apps = {a.client_key: a for a in await service(request).store.list_apps()}
    scopes_by_app: dict[str, set[str]] = {}
    for grant in grants:
        if grant.revoked_at is None:  # an app authorized twice is still one connected app
            scopes_by_app.setdefault(grant.client_key, set()).update(grant.scopes)
    connected = [
        (client_key, apps.get(client_key), [s for s in SCOPES if s in scopes])
        for client_key, scopes in scopes_by_app.items()
    ]
    context = {
        "user": user,
        "avatar": avatar_src(settings(request).base_url, user),
        "connected": connected,
        "count_fields": COUNT_FIELDS,
        "errors": errors or [],
    }
    return render_page(request, "portal/user.html", context)


@page
async def user_page(request: Request) -> Response:
    return await _user_page(request, await _user_or_404(request))


@page
async def update_user(request: Request, form: FormData) -> Response:
    user = await _user_or_404(request)
    updated = await persona_from_form(request, form, existing=user)
    if isinstance(updated, list):
        return await _user_page(request, user, updated)
    return redirect(f"/portal/users/{user.user_id}", request, "Saved.")


@page
async def delete_user(request: Request, form: FormData) -> Response:
    user = await _user_or_404(request)
    await admin_store(request).delete_user(user.user_id)
    return redirect("/portal/users", request, f"Deleted @{user.username}.")


@page
async def disconnect_app(request: Request, form: FormData) -> Response:
    """The user removes an app's access, as in TikTok's "Manage app permissions"."""
    user = await _user_or_404(request)
    client_key = request.path_params["client_key"]
    store = admin_store(request)
    now = service(request).clock.now()
    grants = await store.list_grants(user_id=user.user_id, client_key=client_key)
    live = [g for g in grants if g.revoked_at is None]
    for grant in live:
        await store.revoke_grant(grant.grant_id, now)
    if live:
        admin(request).webhooks.authorization_removed(
            client_key, user.user_id, RemovalReason.USER_DISCONNECTED
        )
    return redirect(f"/portal/users/{user.user_id}", request, "App disconnected.")


@page
async def sign_out_user(request: Request, form: FormData) -> Response:
    """End the user's emulator browser sessions: their next authorize shows the login page."""
    user = await _user_or_404(request)
    ended = await service(request).sign_out_user(user.user_id)
    return redirect(f"/portal/users/{user.user_id}", request, f"Signed out ({ended} session(s)).")


routes = [
    Route("/portal/users", users_page, methods=["GET"]),
    Route("/portal/users", create_user, methods=["POST"]),
    Route("/portal/users/{user_id}", user_page, methods=["GET"]),
    Route("/portal/users/{user_id}", update_user, methods=["POST"]),
    Route("/portal/users/{user_id}/delete", delete_user, methods=["POST"]),
    Route("/portal/users/{user_id}/sign-out", sign_out_user, methods=["POST"]),
    Route("/portal/users/{user_id}/apps/{client_key}/disconnect", disconnect_app, methods=["POST"]),
]
