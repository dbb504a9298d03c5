"""Sandbox apps: only their listed target users may authorize.

Seen in practice: github.com/andreaolivato/TikTok-LoginKit-PHP/issues/6.

Anyone else sees TikTok's error page naming ``non_sandbox_target``.
"""

from __future__ import annotations

from loginkit.core.errors import AuthorizePageError
from loginkit.core.models import App, User
from loginkit.emulator.store import AdminStore

__all__ = ["MAX_SANDBOX_TARGETS", "check_sandbox_target"]

MAX_SANDBOX_TARGETS = 10
"""TikTok lets a sandbox app list up to 10 target users."""


async def check_sandbox_target(store: AdminStore, app: App, user: User) -> None:
    settings = await store.get_app_settings(app.client_key)
    if settings is None or not settings.sandbox or user.user_id in settings.sandbox_targets:
        return
    raise AuthorizePageError(
        "non_sandbox_target",
        f"{app.name} is a sandbox app and {user.username!r} is not one of its target users. "
        f"Add them under the app's sandbox settings in the portal "
        f"({len(settings.sandbox_targets)} of {MAX_SANDBOX_TARGETS} targets listed).",
    )
