"""``create_app(settings)``: the emulator as one Starlette application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loginkit.config import Settings
from loginkit.core.clock import SystemClock
from loginkit.core.service import AuthorizationService
from loginkit.emulator.runtime import start_admin
from loginkit.emulator.seed import apply_seed, demo_seed, load_seed_file
from loginkit.server import metrics
from loginkit.server.openapi import openapi_json
from loginkit.server.portal import app as portal_app
from loginkit.server.ratelimit import RateLimits, limits_storage
from loginkit.server.routes import authorize, control, explain, oauth, user, v1
from loginkit.server.throttle import AuthFailureThrottle
from loginkit.storage import open_store

__all__ = ["create_app"]


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(
            settings.database_url, pool_size=settings.db_pool_size, timeout=settings.db_timeout
        )
        service = AuthorizationService(
            store=store,
            policy=settings.policy,
            clock=SystemClock(),
            avatar_base_url=f"{settings.base_url}/avatars",
            clock_sync_seconds=0.0 if settings.shares_database else None,
        )
        await service.start()
        try:
            now = service.clock.now()
            if settings.seed_demo and not await store.list_apps():
                await apply_seed(store, demo_seed(settings.base_url), now)
            if settings.seed_file is not None:
                await apply_seed(store, load_seed_file(settings.seed_file), now)
            app.state.service = service
            app.state.pool_reporter = metrics.pool_reporter(store)
            app.state.admin = await start_admin(service, settings)
            yield
        finally:
            if hasattr(app.state, "admin"):
                await app.state.admin.close()
            await store.close()
            metrics.mark_process_dead()

    app = Starlette(
        # Routes are matched in order: the TikTok endpoints, hit most, come first.
        routes=[
            *oauth.routes,
            *user.routes,
            Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            *metrics.routes,
            *authorize.routes,
            *control.routes,
            *explain.routes,
            *v1.routes,
            *portal_app.routes,
        ],
        middleware=portal_app.middleware(settings),
        lifespan=lifespan,
    )
    app.state.settings = settings
    shared = limits_storage(settings)
    app.state.throttle = AuthFailureThrottle(settings.auth_failures_per_minute, shared)
    app.state.rate_limits = RateLimits(settings, shared)
    return app
