"""Typed access to what the app keeps in ``app.state``."""

from __future__ import annotations

from typing import cast

from starlette.requests import Request

from loginkit.config import Settings
from loginkit.core.service import AuthorizationService
from loginkit.emulator.runtime import admin
from loginkit.server.throttle import AuthFailureThrottle

__all__ = ["client_address", "reset_emulator", "service", "settings", "throttle"]


def service(request: Request) -> AuthorizationService:
    return cast(AuthorizationService, request.app.state.service)


def settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def throttle(request: Request) -> AuthFailureThrottle:
    return cast(AuthFailureThrottle, request.app.state.throttle)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def reset_emulator(request: Request) -> None:
    """The one reset (control API, portal, test fixture): data and clock, rate-limit and
    auth-failure counters, faults, the request log, known secrets, deliveries in flight."""
    await service(request).reset()
    await throttle(request).reset()  # the limiter storage also holds the per-client rate limits
    await admin(request).reset()
