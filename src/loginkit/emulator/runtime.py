"""What the portal and the emulator controls keep per process, and typed access to it.

``start_admin`` builds it when the app starts; the ``@endpoint`` wrapper calls ``apply_fault``
before and ``record_request`` after every handler.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import cast

from starlette.requests import Request

from loginkit.core import observations
from loginkit.core.models import App
from loginkit.core.service import AuthorizationService
from loginkit.core.webhooks import RemovalReason
from loginkit.emulator.faults import FaultBoard
from loginkit.emulator.received import client_of, received_params
from loginkit.emulator.request_log import LoggedRequest, RequestLog
from loginkit.emulator.seed import SeedFile
from loginkit.emulator.store import AdminStore
from loginkit.emulator.webhooks import WebhookDispatcher

__all__ = [
    "AdminRuntime",
    "admin",
    "admin_store",
    "apply_fault",
    "record_call",
    "record_request",
    "start_admin",
]


@dataclass
class AdminRuntime:
    store: AdminStore
    webhooks: WebhookDispatcher
    faults: FaultBoard = field(default_factory=FaultBoard)
    requests: RequestLog = field(default_factory=RequestLog)
    known_secrets: dict[str, str] = field(default_factory=dict)
    """client_key → client secret, for the portal's "reveal": only hashes are stored, so only
    secrets this process has seen (demo seed, seed file, created or rotated here) can be shown."""

    async def close(self) -> None:
        await self.webhooks.close()

    async def reset(self) -> None:
        """Forget what this process keeps beside the database: faults, the request log, known
        secrets, webhook deliveries in flight (the dispatcher stays usable)."""
        await self.webhooks.close()
        self.faults.clear()
        self.requests.clear()
        self.known_secrets.clear()


async def start_admin(service: AuthorizationService, seeds: list[SeedFile]) -> AdminRuntime:
    """The runtime of a started ``service`` whose database holds ``seeds`` already."""
    store = cast(AdminStore, service.store)
    webhooks = WebhookDispatcher(store=store, clock=service.clock, open_id=service.ctx.open_id)

    async def developer_revoked(app: App, grant_id: str) -> None:
        grant = await store.get_grant(grant_id)
        if grant is not None:
            webhooks.authorization_removed(
                app.client_key, grant.user_id, RemovalReason.DEVELOPER_REVOKED
            )

    service.on_grant_revoked = developer_revoked
    runtime = AdminRuntime(store=store, webhooks=webhooks)
    apps = {app.client_key: app for app in await store.list_apps()}
    for seed in seeds:
        for entry in seed.apps:
            app, secret = apps.get(entry.client_key), entry.client_secret
            if app and secret and await service.ctx.client_secret_matches(app, secret):
                runtime.known_secrets[app.client_key] = secret
    return runtime


def admin(request: Request) -> AdminRuntime:
    return cast(AdminRuntime, request.app.state.admin)


def admin_store(request: Request) -> AdminStore:
    return admin(request).store


async def apply_fault(request: Request, *, api: bool) -> None:
    """Delay and/or fail this call if a fault is waiting for its path."""
    runtime: AdminRuntime | None = getattr(request.app.state, "admin", None)
    fault = runtime.faults.take(request.scope["path"]) if runtime else None
    if fault is None:
        return
    if fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault.fails:
        raise fault.as_error(api=api)


def record_request(
    request: Request, *, log_id: str, status: int, outcome: str, duration_ms: float
) -> None:
    """Keep TikTok-endpoint calls (``/v2/...``) for the portal's request log."""
    if request.scope["path"].startswith("/v2/"):
        record_call(request, log_id=log_id, status=status, outcome=outcome, duration_ms=duration_ms)


def record_call(
    request: Request,
    *,
    log_id: str,
    status: int,
    outcome: str,
    duration_ms: float,
    tags: tuple[str, ...] = (),
) -> None:
    """Enter this response in the request log, with what the core observed while serving it."""
    runtime: AdminRuntime | None = getattr(request.app.state, "admin", None)
    if runtime is None:
        return
    observed = observations.current() or observations.Observations()
    params = received_params(request)
    if outcome == "ok" and status >= 400:
        outcome = "refused"  # an error page, rendered by the handler itself
    runtime.requests.record(
        LoggedRequest(
            at=time.time(),
            method=request.method,
            path=request.scope["path"],
            status=status,
            outcome=outcome,
            log_id=log_id,
            client_key=client_of(request, runtime.requests, params, observed),
            duration_ms=duration_ms,
            params=params,
            rule=observed.rule if outcome != "ok" else None,
            explanation=observed.explanation if outcome != "ok" else None,
            observations=(*observed.tags, *tags),
        )
    )
