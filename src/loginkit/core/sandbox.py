"""Sandbox apps: only their listed target users may authorize.

Anyone else sees TikTok's error page naming ``non_sandbox_target`` (reported in
https://github.com/andreaolivato/TikTok-LoginKit-PHP/issues/6).
"""

from __future__ import annotations

from loginkit.core.errors import AuthorizePageError
from loginkit.core.models import App, User
from loginkit.core.store import Store

__all__ = ["MAX_SANDBOX_TARGETS", "check_sandbox_target"]

MAX_SANDBOX_TARGETS = 10
"""TikTok lets a sandbox app list up to 10 target users."""


async def check_sandbox_target(store: Store, app: App, user: User) -> None:
    targets = await store.sandbox_targets(app.client_key)
    if targets is None or user.user_id in targets:
        return
    raise AuthorizePageError(
        "non_sandbox_target",
        f"{app.name} is a sandbox app and {user.username!r} is not one of its target users. "
        f"Add them under the app's sandbox settings in the portal "
        f"({len(targets)} of {MAX_SANDBOX_TARGETS} targets listed).",
        rule="sandbox.not_target",
    )
