"""Control API: why a request was refused, and whether an app is ready for TikTok."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.errors import InvalidRequest
from loginkit.emulator.app_readiness import MIGRATION_DAYS, readiness_report
from loginkit.emulator.request_log import record_view
from loginkit.emulator.runtime import admin
from loginkit.server.context import service, settings
from loginkit.server.responses import JSONResponse
from loginkit.server.routes.control import _admin, _app_or_404
from loginkit.server.routes.control_contract import NotFound

__all__ = ["routes"]


@_admin
async def explain(request: Request) -> Response:
    """``GET /emulator/requests/{log_id}``: the record, from this process's request log."""
    log_id = request.path_params["log_id"]
    entry = admin(request).requests.find(log_id)
    if entry is None:
        raise NotFound(
            f"No request with log_id {log_id!r} in this process's request log (it keeps the "
            "last 2000 requests of this process)."
        )
    return JSONResponse(record_view(entry))


@_admin
async def readiness(request: Request) -> Response:
    """``GET /emulator/apps/{client_key}/readiness?days=N`` (the migration check's look-back)."""
    app = await _app_or_404(request)
    raw_days = request.query_params.get("days", str(MIGRATION_DAYS))
    if not raw_days.isdigit() or int(raw_days) < 1:
        raise InvalidRequest("'days' must be a positive whole number.")
    svc = service(request)
    entries = admin(request).requests.newest_first(client_key=app.client_key, limit=10_000)
    report = await readiness_report(
        svc.store,
        app,
        entries,
        svc.clock.now(),
        strict=settings(request).policy.strict_redirect_uris,
        migration_days=int(raw_days),
    )
    return JSONResponse(report)


routes = [
    Route("/emulator/requests/{log_id}", explain, methods=["GET"]),
    Route("/emulator/apps/{client_key}/readiness", readiness, methods=["GET"]),
]
