"""``create_app(settings)``: the emulator as one Starlette application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from limits.aio.storage import Storage
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.config import Settings
from loginkit.emulator.readiness import check_readiness
from loginkit.server import metrics
from loginkit.server.openapi import openapi_json
from loginkit.server.portal import app as portal_app
from loginkit.server.ratelimit import RateLimits, limits_storage
from loginkit.server.responses import JSONResponse
from loginkit.server.routes import authorize, control, explain, landing, oauth, user, v1
from loginkit.server.startup import RunningEmulator, start_emulator
from loginkit.server.throttle import AuthFailureThrottle
from loginkit.server.unrouted import exception_handlers

__all__ = ["create_app"]


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def readyz(settings: Settings, shared: Storage) -> Callable[[Request], Awaitable[Response]]:
    """``GET /readyz``: 200 while the database answers within ``--db-timeout``, else 503."""
    redis = shared if settings.redis_url is not None else None

    async def endpoint(request: Request) -> Response:
        store = request.app.state.admin.store
        readiness = await check_readiness(store, redis, settings.db_timeout)
        return JSONResponse(readiness.report, status_code=200 if readiness.ready else 503)

    return endpoint


def create_app(settings: Settings, *, started: RunningEmulator | None = None) -> Starlette:
    """``started``: state the command line opened already (its start-up errors reported)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        running = started or await start_emulator(settings)
        try:
            app.state.service = running.service
            app.state.pool_reporter = metrics.pool_reporter(running.service.store)
            app.state.admin = running.admin
            yield
        finally:
            await running.close()
            metrics.mark_process_dead()

    shared = limits_storage(settings)
    app = Starlette(
        # Routes are matched in order: the TikTok endpoints, hit most, come first.
        routes=[
            *oauth.routes,
            *user.routes,
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz(settings, shared), methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            *metrics.routes,
            *authorize.routes,
            *control.routes,
            *explain.routes,
            *v1.routes,
            *portal_app.routes,
            *landing.routes,
        ],
        middleware=portal_app.middleware(settings),
        exception_handlers=exception_handlers,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.throttle = AuthFailureThrottle(settings.auth_failures_per_minute, shared)
    app.state.rate_limits = RateLimits(settings, shared)
    return app
