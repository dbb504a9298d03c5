"""Everything the pages add to the application: routes, static files, the session middleware."""

from __future__ import annotations

from pathlib import Path

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from loginkit.config import Settings
from loginkit.server.portal import activity, apps, users
from loginkit.server.routes import avatars, control_extra
from loginkit.server.security import session_middleware

__all__ = ["middleware", "routes"]

routes: list[BaseRoute] = [
    Mount("/static", StaticFiles(directory=Path(__file__).parent.parent / "static"), name="static"),
    *avatars.routes,
    *control_extra.routes,
    *apps.routes,
    *users.routes,
    *activity.routes,
]


def middleware(settings: Settings) -> list[Middleware]:
    return [session_middleware(settings)]
