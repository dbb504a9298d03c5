"""Control API additions: fault injection, state export, the request log, webhook deliveries."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loginkit.core.errors import InvalidRequest
from loginkit.emulator.faults import fault_from_fields
from loginkit.emulator.runtime import admin, admin_store
from loginkit.emulator.seed import export_state
from loginkit.server.routes.control import _admin, _json_body

__all__ = ["routes"]


@_admin
async def add_fault(request: Request) -> Response:
    """``{"endpoint", "count"?, "error"?, "status"?, "latency_ms"?}`` → the armed fault."""
    body: dict[str, Any] = await _json_body(request)
    try:
        fault = fault_from_fields(
            body.get("endpoint"),
            body.get("count", 1),
            body.get("error"),
            body.get("status"),
            body.get("latency_ms", 0),
        )
    except ValueError as exc:
        raise InvalidRequest(str(exc) + ".") from exc
    return JSONResponse(asdict(admin(request).faults.add(fault)), status_code=201)


@_admin
async def list_faults(request: Request) -> Response:
    return JSONResponse([asdict(f) for f in admin(request).faults.list()])


@_admin
async def clear_faults(request: Request) -> Response:
    admin(request).faults.clear()
    return JSONResponse({})


@_admin
async def export(request: Request) -> Response:
    runtime = admin(request)
    with_secrets = request.query_params.get("include_secrets", "") in ("1", "true")
    state = await export_state(runtime.store, runtime.known_secrets, include_secrets=with_secrets)
    return JSONResponse(state)


@_admin
async def requests_log(request: Request) -> Response:
    query = request.query_params
    entries = admin(request).requests.newest_first(
        path=query.get("path", ""),
        client_key=query.get("client_key", ""),
        outcome=query.get("outcome", ""),
    )
    return JSONResponse([asdict(e) for e in entries])


@_admin
async def deliveries(request: Request) -> Response:
    found = await admin_store(request).list_deliveries()
    return JSONResponse([asdict(d) for d in found])


routes = [
    Route("/emulator/faults", add_fault, methods=["POST"]),
    Route("/emulator/faults", list_faults, methods=["GET"]),
    Route("/emulator/faults", clear_faults, methods=["DELETE"]),
    Route("/emulator/export", export, methods=["GET"]),
    Route("/emulator/requests", requests_log, methods=["GET"]),
    Route("/emulator/webhooks/deliveries", deliveries, methods=["GET"]),
]
