"""``GET /``: what is running here and where to go next (portal, demo, docs, ``/openapi.json``)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from loginkit.emulator.seed import demo_seed
from loginkit.server.context import settings
from loginkit.server.templates import render

__all__ = ["routes"]


async def landing(request: Request) -> Response:
    config = settings(request)
    local_run = config.portal_open_on_loopback  # ``loginkit up`` / ``make run``
    demo = demo_seed(config.base_url) if config.seed_demo else None
    context = {
        "base_url": config.base_url,
        "local_run": local_run,
        "demo_mounted": local_run and demo is not None,
        "demo_apps": demo["apps"] if demo else [],
        "demo_users": [u["username"] for u in demo["users"]] if demo else [],
        "strict": config.policy.strict_redirect_uris,
    }
    return render(request, "landing.html", context)


_FAVICON = Path(__file__).parent.parent / "static" / "favicon.svg"


async def favicon(request: Request) -> Response:
    """Browsers ask for ``/favicon.ico`` on pages without an icon (JSON documents, for one)."""
    return FileResponse(_FAVICON, media_type="image/svg+xml")


routes = [
    Route("/", landing, methods=["GET", "HEAD"]),
    Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
]
