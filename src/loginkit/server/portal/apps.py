"""The developer portal, part one: signing in, and apps (keys, secrets, redirect URIs, v1
redirect domains, scopes, platform, webhook URL, sandbox targets, what is left of the move to v2
OAuth)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from loginkit.core.errors import OAuthError
from loginkit.core.models import App, Platform
from loginkit.core.redirect_uris import NO_REDIRECT_URI, redirect_uri_errors
from loginkit.core.sandbox import MAX_SANDBOX_TARGETS
from loginkit.core.scopes import BASIC_SCOPE, SCOPES
from loginkit.core.secrets import new_client_key, new_client_secret
from loginkit.core.v1 import redirect_domain_errors
from loginkit.emulator.migration_check import migration_findings
from loginkit.emulator.records import AppSettings
from loginkit.emulator.runtime import admin, admin_store
from loginkit.server.context import service, settings
from loginkit.server.endpoint import Family, endpoint, no_store
from loginkit.server.portal.pages import field, page, redirect, render_page
from loginkit.server.routes.v1 import v1_calls
from loginkit.server.security import CsrfError, check_csrf, sign_in_admin, sign_out_admin

__all__ = ["routes"]

MIGRATION_DAYS = 30


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


@page
async def logout(request: Request, form: FormData) -> Response:
    sign_out_admin(request)
    return RedirectResponse("/portal/login", status_code=303)


@page
async def home(request: Request) -> Response:
    return RedirectResponse("/portal/apps", status_code=303)


# ---- apps ---------------------------------------------------------------------------------------


def _lines(form: FormData, name: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in field(form, name).splitlines() if line.strip())


def _app_fields(
    request: Request, form: FormData, old_domains: tuple[str, ...] = ()
) -> tuple[dict[str, Any], list[str]]:
    """The app's fields from its form; ``old_domains`` are the redirect domains it has now."""
    errors: list[str] = []
    name = field(form, "name")
    if not name:
        errors.append("Name: required.")
    try:
        platform = Platform(field(form, "platform") or "web")
    except ValueError:
        platform = Platform.WEB
        errors.append("Platform: choose web, desktop, android or ios.")
    uris = _lines(form, "redirect_uris")
    domains = _lines(form, "redirect_domains")
    strict = settings(request).policy.strict_redirect_uris
    uri_problems = redirect_uri_errors(uris, platform, strict=strict)
    if domains:  # a v1 app without redirect URIs yet (v1 migration guide)
        uri_problems = [p for p in uri_problems if p != NO_REDIRECT_URI]
    errors.extend(f"Redirect URI {p}." for p in uri_problems)
    now = service(request).clock.now()
    errors.extend(
        f"Redirect domain {p}." for p in redirect_domain_errors(old_domains, domains, platform, now)
    )
    scopes = tuple(s for s in SCOPES if form.get(f"scope:{s}") == "on")
    if not scopes:
        errors.append(f"Scopes: enable at least one ({BASIC_SCOPE} is every Login Kit app's).")
    webhook_url = field(form, "webhook_url") or None
    if webhook_url and urlsplit(webhook_url).scheme not in ("http", "https"):
        errors.append("Webhook URL: an absolute http(s) URL.")
    fields = {
        "name": name,
        "platform": platform,
        "redirect_uris": uris,
        "redirect_domains": domains,
        "scopes": scopes,
    }
    return fields | {"webhook_url": webhook_url}, errors


async def _settings_of(request: Request, client_key: str) -> AppSettings:
    found = await admin_store(request).get_app_settings(client_key)
    return found or AppSettings(client_key=client_key, webhook_secret=secrets.token_hex(20))


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
    fields, errors = _app_fields(request, form)
    if errors:
        values = fields | {
            "redirect_uris": field(form, "redirect_uris"),
            "redirect_domains": field(form, "redirect_domains"),
            "scopes": fields["scopes"],
        }
        values["platform"] = fields["platform"].value
        return await _apps_page(request, values, errors)
    secret = new_client_secret()
    webhook_url = fields.pop("webhook_url")
    app = App(
        client_key=new_client_key(),
        secret_hash=service(request).secret_hasher.hash(secret),
        created_at=service(request).clock.now(),
        **fields,
    )
    await service(request).store.create_app(app)
    app_settings = await _settings_of(request, app.client_key)
    await admin_store(request).save_app_settings(replace(app_settings, webhook_url=webhook_url))
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
    app_settings = await _settings_of(request, app.client_key)
    svc = service(request)
    migration = await migration_findings(
        svc.store,
        app,
        now=svc.clock.now(),
        days=MIGRATION_DAYS,
        v1_calls=v1_calls(request, app.client_key, MIGRATION_DAYS),
    )
    context = {
        "app": app,
        "migration": migration,
        "migration_days": MIGRATION_DAYS,
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
    fields, errors = _app_fields(request, form, app.redirect_domains)
    targets = tuple(
        u.user_id
        for u in await service(request).store.list_users()
        if form.get(f"target:{u.user_id}") == "on"
    )
    if len(targets) > MAX_SANDBOX_TARGETS:
        errors.append(f"Sandbox: at most {MAX_SANDBOX_TARGETS} target users.")
    if errors:
        values = fields | {
            "redirect_uris": field(form, "redirect_uris"),
            "redirect_domains": field(form, "redirect_domains"),
        }
        values["platform"] = fields["platform"].value
        return await _app_page(request, app, values=values, errors=errors)
    webhook_url = fields.pop("webhook_url")
    await service(request).store.update_app(replace(app, **fields))
    app_settings = await _settings_of(request, app.client_key)
    sandbox = form.get("sandbox") == "on"
    await admin_store(request).save_app_settings(
        replace(app_settings, webhook_url=webhook_url, sandbox=sandbox, sandbox_targets=targets)
    )
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
