"""Apps as registered: TikTok's record (``App``) and the portal's (``AppSettings``) read and
written together, so the control API and the portal store a registration the same way.

The rules a registration must follow are in ``loginkit.core.registration``.
"""

from __future__ import annotations

import secrets
from dataclasses import replace

from loginkit.core.models import App
from loginkit.core.registration import Registration
from loginkit.core.secrets import new_client_key
from loginkit.emulator.records import AppSettings
from loginkit.emulator.store import AdminStore

__all__ = ["app_settings_of", "create_registered_app", "registration_of", "update_registration"]


def _registered(app: App, registration: Registration) -> App:
    """``app`` with the fields TikTok's record keeps taken from ``registration``."""
    return replace(
        app,
        name=registration.name,
        platform=registration.platform,
        redirect_uris=registration.redirect_uris,
        scopes=registration.scopes,
        redirect_domains=registration.redirect_domains,
    )


def _default_settings(client_key: str) -> AppSettings:
    return AppSettings(client_key=client_key, webhook_secret=secrets.token_hex(20))


async def app_settings_of(store: AdminStore, client_key: str) -> AppSettings:
    """The app's portal settings, or the defaults (with a fresh webhook secret) if it has none."""
    found = await store.get_app_settings(client_key)
    return found or _default_settings(client_key)


def _with_registration(settings: AppSettings, registration: Registration) -> AppSettings:
    return replace(
        settings,
        webhook_url=registration.webhook_url,
        sandbox=registration.sandbox,
        sandbox_targets=registration.sandbox_targets,
    )


def registration_of(app: App, app_settings: AppSettings) -> Registration:
    return Registration(
        name=app.name,
        platform=app.platform,
        redirect_uris=app.redirect_uris,
        scopes=app.scopes,
        redirect_domains=app.redirect_domains,
        webhook_url=app_settings.webhook_url,
        sandbox=app_settings.sandbox,
        sandbox_targets=app_settings.sandbox_targets,
    )


async def _save_settings(store: AdminStore, client_key: str, registration: Registration) -> None:
    current = await app_settings_of(store, client_key)
    await store.save_app_settings(_with_registration(current, registration))


async def create_registered_app(
    store: AdminStore, registration: Registration, *, secret_hash: str, now: int
) -> App:
    """A new app with a fresh client key; ``secret_hash`` is the stored form of its secret."""
    blank = App(
        client_key=new_client_key(),
        name="",
        secret_hash=secret_hash,
        platform=registration.platform,
        redirect_uris=(),
        scopes=(),
        created_at=now,
    )
    app = _registered(blank, registration)
    settings = _with_registration(_default_settings(app.client_key), registration)
    await store.create_app_with_settings(app, settings)  # one transaction, one commit
    return app


async def update_registration(store: AdminStore, app: App, registration: Registration) -> App:
    updated = _registered(app, registration)
    await store.update_app(updated)
    await _save_settings(store, app.client_key, registration)
    return updated
