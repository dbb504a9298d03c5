"""The developer portal, part one: signing in, and apps (keys, secrets, redirect URIs, v1
redirect domains, scopes, platform, webhook URL, sandbox targets, what is left of the move to v2
OAuth)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from loginkit.core.errors import OAuthError
from loginkit.core.models import App, Platform
from loginkit.core.registration import Registration, validate_registration
from loginkit.core.sandbox import MAX_SANDBOX_TARGETS
from loginkit.core.scopes import BASIC_SCOPE, SCOPES
from loginkit.core.secrets import new_client_secret
from loginkit.emulator.app_readiness import readiness_report
from loginkit.emulator.records import AppSettings
from loginkit.emulator.registrations import (
    app_settings_of,
    create_registered_app,
    registration_of,
    update_registration,
)
from loginkit.emulator.runtime import admin, admin_store
from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint, no_store
from loginkit.server.portal.pages import field, open_on_loopback, page, redirect, render_page
from loginkit.server.security import CsrfError, check_csrf, sign_in_admin, sign_out_admin

__all__ = ["routes"]


class AppNotFound(OAuthError):
    code = "not_found"
    status = 404


# ---- signing in ---------------------------------------------------------------------------------


def _safe_next(value: str) -> str:
    """Only a path of the portal itself, so the login form cannot redirect elsewhere."""
    return value if value.startswith("/portal/") and "//" not in value else "/portal/apps"


@endpoint(Family.CONTROL)
async def login(request: Request) -> Response:
    next_path = _safe_next(request.query_params.get("next", ""))
    error = None
    if request.method == "POST":
        form = await request.form()
        try:
            check_csrf(request, form)
        except CsrfError as exc:
            error = f"Please try again ({exc})."
        else:
            if sign_in_admin(request, field(form, "admin_token")):
                return RedirectResponse(_safe_next(field(form, "next")), status_code=303)
            error = "That is not the admin token this emulator was started with."
    context = {"next": next_path, "error": error}
    return render_page(request, "portal/login.html", context)


LOOPBACK_SIGN_IN = (
    "Signed out, yet still in: make run (loginkit up) opens the portal to browsers on this "
    "machine (127.0.0.1) without the admin token. Other machines, and loginkit serve, ask for "
    "the admin token."
)


@page
async def logout(request: Request, form: FormData) -> Response:
    sign_out_admin(request)
    if open_on_loopback(request):
        return redirect("/portal/apps", request, LOOPBACK_SIGN_IN)
    return RedirectResponse("/portal/login", status_code=303)


@page
async def home(request: Request) -> Response:
    return RedirectResponse("/portal/apps", status_code=303)


# ---- apps ---------------------------------------------------------------------------------------


def _lines(form: FormData, name: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in field(form, name).splitlines() if line.strip())


_LABELS = {
    "name": "Name:",
    "platform": "Platform:",
    "redirect_uris": "Redirect URI",
    "redirect_domains": "Redirect domain",
    "scopes": "Scopes:",
    "webhook_url": "Webhook URL:",
    "sandbox_targets": "Sandbox:",
}


def _form_fields(form: FormData) -> dict[str, object]:
    """The registration fields of the app form, as ``validate_registration`` takes them."""
    return {
        "name": field(form, "name"),
        "platform": field(form, "platform") or "web",
        "redirect_uris": _lines(form, "redirect_uris"),
        "redirect_domains": _lines(form, "redirect_domains"),
        "scopes": tuple(s for s in SCOPES if form.get(f"scope:{s}") == "on"),
        "webhook_url": field(form, "webhook_url") or None,
    }


def _validated(
    request: Request,
    fields: dict[str, object],
    current: Registration | None,
    user_ids: Collection[str] | None = None,
) -> Registration | list[str]:
    """The registration, or the problems with it in the portal's words."""
    checked = validate_registration(
        fields,
        now=service(request).clock.now(),
        strict=settings(request).policy.strict_redirect_uris,
        current=current,
        user_ids=user_ids,
    )
    if isinstance(checked, Registration):
        return checked
    return [f"{_LABELS.get(p.field, p.field)} {p.message}." for p in checked]


def _refused_values(form: FormData) -> dict[str, Any]:
    """The form as the user filled it in, to show it again with the problems."""
    return _form_fields(form) | {
        "redirect_uris": field(form, "redirect_uris"),
        "redirect_domains": field(form, "redirect_domains"),
    }


async def _app_or_404(request: Request) -> App:
    app = await service(request).store.get_app(request.path_params["client_key"])
    if app is None:
        raise AppNotFound(f"No app has client_key {request.path_params['client_key']!r}.")
    return app


def _form_values(app: App | None, app_settings: AppSettings | None) -> dict[str, Any]:
    if app is None:
        return {
            "name": "",
            "platform": "web",
            "redirect_uris": "",
            "redirect_domains": "",
            "scopes": [BASIC_SCOPE],
            "webhook_url": "",
        }
    return {
        "name": app.name,
        "platform": app.platform.value,
        "redirect_uris": "\n".join(app.redirect_uris),
        "redirect_domains": "\n".join(app.redirect_domains),
        "scopes": list(app.scopes),
        "webhook_url": (app_settings.webhook_url if app_settings else None) or "",
    }


async def _apps_page(
    request: Request, values: dict[str, Any] | None = None, errors: list[str] | None = None
) -> Response:
    context = {
        "apps": await service(request).store.list_apps(),
        "values": values or _form_values(None, None),
        "errors": errors or [],
        "scopes": SCOPES.values(),
        "platforms": [p.value for p in Platform],
    }
    return render_page(request, "portal/apps.html", context)


@page
async def apps_page(request: Request) -> Response:
    return await _apps_page(request)


@page
async def create_app(request: Request, form: FormData) -> Response:
    checked = _validated(request, _form_fields(form), None)
    if not isinstance(checked, Registration):
        return await _apps_page(request, _refused_values(form), checked)
    secret = new_client_secret()
    svc = service(request)
    stored = svc.secret_hasher.hash(secret)
    app = await create_registered_app(
        admin_store(request), checked, secret_hash=stored, now=svc.clock.now()
    )
    admin(request).known_secrets[app.client_key] = secret
    return redirect(
        f"/portal/apps/{app.client_key}", request, "App created. Reveal its client secret below."
    )


async def _app_page(
    request: Request,
    app: App,
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    revealed: str | None = None,
    notice: str | None = None,
) -> Response:
    app_settings = await app_settings_of(admin_store(request), app.client_key)
    svc = service(request)
    traffic = admin(request).requests.newest_first(client_key=app.client_key, limit=10_000)
    context = {
        "app": app,
        "readiness": await readiness_report(
            svc.store,
            app,
            traffic,
            svc.clock.now(),
            strict=settings(request).policy.strict_redirect_uris,
        ),
        "app_settings": app_settings,
        "values": values or _form_values(app, app_settings),
        "errors": errors or [],
        "scopes": SCOPES.values(),
        "platforms": [p.value for p in Platform],
        "users": await service(request).store.list_users(),
        "max_targets": MAX_SANDBOX_TARGETS,
        "revealed_secret": revealed,
        "secret_known": app.client_key in admin(request).known_secrets,
        "flash": notice,
    }
    response = render_page(request, "portal/app.html", context)
    return no_store(response)


@page
async def app_page(request: Request) -> Response:
    return await _app_page(request, await _app_or_404(request))


@page
async def update_app(request: Request, form: FormData) -> Response:
    app = await _app_or_404(request)
    current = registration_of(app, await app_settings_of(admin_store(request), app.client_key))
    users = await service(request).store.list_users()
    fields = _form_fields(form) | {
        "sandbox": form.get("sandbox") == "on",
        "sandbox_targets": tuple(
            u.user_id for u in users if form.get(f"target:{u.user_id}") == "on"
        ),
    }
    checked = _validated(request, fields, current, {u.user_id for u in users})
    if not isinstance(checked, Registration):
        return await _app_page(request, app, values=_refused_values(form), errors=checked)
    await update_registration(admin_store(request), app, checked)
    return redirect(f"/portal/apps/{app.client_key}", request, "Saved.")


@page
async def reveal_secret(request: Request, form: FormData) -> Response:
    app = await _app_or_404(request)
    secret = admin(request).known_secrets.get(app.client_key)
    if secret is None:
        notice = (
            "Only a hash of this secret is stored and this server never saw it: "
            "rotate it to get a new one."
        )
        return await _app_page(request, app, notice=notice)
    return await _app_page(request, app, revealed=secret)


@page
async def rotate_secret(request: Request, form: FormData) -> Response:
    app = await _app_or_404(request)
    secret = new_client_secret()
    await service(request).rotate_secret(app, secret)
    admin(request).known_secrets[app.client_key] = secret
    notice = "New client secret issued; the old one stopped working."
    return await _app_page(request, app, revealed=secret, notice=notice)


@page
async def delete_app(request: Request, form: FormData) -> Response:
    app = await _app_or_404(request)
    await service(request).store.delete_app(app.client_key)
    admin(request).known_secrets.pop(app.client_key, None)
    return redirect("/portal/apps", request, f"Deleted {app.name}.")


routes = [
    Route("/portal", home, methods=["GET"]),
    Route("/portal/", home, methods=["GET"]),
    Route("/portal/login", login, methods=["GET", "POST"]),
    Route("/portal/logout", logout, methods=["POST"]),
    Route("/portal/apps", apps_page, methods=["GET"]),
    Route("/portal/apps", create_app, methods=["POST"]),
    Route("/portal/apps/{client_key}", app_page, methods=["GET"]),
    Route("/portal/apps/{client_key}", update_app, methods=["POST"]),
    Route("/portal/apps/{client_key}/secret/reveal", reveal_secret, methods=["POST"]),
    Route("/portal/apps/{client_key}/secret/rotate", rotate_secret, methods=["POST"]),
    Route("/portal/apps/{client_key}/delete", delete_app, methods=["POST"]),
]
