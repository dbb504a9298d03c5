"""Control API additions: fault injection, state export, the request log, webhook deliveries."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request

from loginkit.core.errors import InvalidRequest
from loginkit.emulator.faults import fault_from_fields
from loginkit.emulator.runtime import admin, admin_store
from loginkit.emulator.seed_state import export_state
from loginkit.server.routes.control_contract import operation
from loginkit.server.routes.control_models import (
    Delivery,
    Empty,
    ExportedState,
    FaultCreate,
    FaultView,
    LoggedRequestView,
    RequestFilter,
)

__all__ = ["routes"]


@operation(
    "POST",
    "/emulator/faults",
    "Make the next calls to an endpoint fail or slow down",
    body=FaultCreate,
    returns=FaultView,
    status=201,
)
async def add_fault(request: Request, body: FaultCreate) -> FaultView:
    try:
        fault = fault_from_fields(
            body.endpoint, body.count, body.error, body.status, body.latency_ms
        )
    except ValueError as exc:
        raise InvalidRequest(str(exc) + ".") from exc
    return FaultView(**asdict(admin(request).faults.add(fault)))


@operation(
    "GET",
    "/emulator/faults",
    "List the faults still waiting",
    returns=list[FaultView],
    errors=(401,),
)
async def list_faults(request: Request) -> list[FaultView]:
    return [FaultView(**asdict(f)) for f in admin(request).faults.list()]


@operation("DELETE", "/emulator/faults", "Remove every waiting fault", returns=Empty, errors=(401,))
async def clear_faults(request: Request) -> Empty:
    admin(request).faults.clear()
    return Empty()


@operation(
    "GET",
    "/emulator/export",
    "Everything in the emulator, as a seed file",
    returns=ExportedState,
    errors=(401,),
)
async def export(request: Request) -> ExportedState:
    runtime = admin(request)
    return ExportedState(**await export_state(runtime.store, runtime.known_secrets))


@operation(
    "GET",
    "/emulator/requests",
    "The latest TikTok API requests, newest first",
    query=RequestFilter,
    returns=list[LoggedRequestView],
)
async def requests_log(request: Request, query: RequestFilter) -> list[LoggedRequestView]:
    entries = admin(request).requests.newest_first(
        path=query.path, client_key=query.client_key, outcome=query.outcome
    )
    return [LoggedRequestView(**asdict(e)) for e in entries]


@operation(
    "GET",
    "/emulator/webhooks/deliveries",
    "Webhook deliveries made to apps",
    returns=list[Delivery],
    errors=(401,),
)
async def deliveries(request: Request) -> list[Delivery]:
    found = await admin_store(request).list_deliveries()
    return [Delivery.model_validate(d, from_attributes=True) for d in found]


routes = [add_fault, list_faults, clear_faults, export, requests_log, deliveries]
