"""The developer portal, part three: grants and tokens, the request log, webhook deliveries,
and the emulator controls (faults, clock, reset)."""

from __future__ import annotations

from dataclasses import asdict

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loginkit.core.models import Token
from loginkit.core.webhooks import RemovalReason
from loginkit.emulator.faults import fault_from_fields
from loginkit.emulator.request_log import LoggedRequest
from loginkit.emulator.runtime import admin, admin_store
from loginkit.server.context import reset_emulator, service
from loginkit.server.portal.pages import field, page, redirect, render_page
from loginkit.server.responses import JSONResponse

__all__ = ["routes"]

# ---- grants and tokens --------------------------------------------------------------------------


@page
async def grants_page(request: Request) -> Response:
    store = admin_store(request)
    grants = await store.list_grants()
    tokens: dict[str, list[Token]] = {}
    for token in await store.list_grant_tokens([g.grant_id for g in grants]):
        tokens.setdefault(token.grant_id or "", []).append(token)
    users = {u.user_id: u for u in await store.list_users()}
    apps = {a.client_key: a for a in await store.list_apps()}
    rows = [
        {
            "grant": g,
            "user": users.get(g.user_id),
            "app": apps.get(g.client_key),
            "tokens": tokens.get(g.grant_id, []),
        }
        for g in grants
    ]
    context = {"rows": rows, "now": service(request).clock.now()}
    return render_page(request, "portal/grants.html", context)


@page
async def revoke_grant(request: Request, form: FormData) -> Response:
    """The developer revokes a grant: like ``/v2/oauth/revoke/``, the webhook says reason 5."""
    store = admin_store(request)
    grant = await store.get_grant(request.path_params["grant_id"])
    if grant is not None and grant.revoked_at is None:
        await store.revoke_grant(grant.grant_id, service(request).clock.now())
        admin(request).webhooks.authorization_removed(
            grant.client_key, grant.user_id, RemovalReason.DEVELOPER_REVOKED
        )
    return redirect("/portal/grants", request, "Grant revoked.")


# ---- request log --------------------------------------------------------------------------------


def _log_filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in ("path", "client_key", "outcome")}


def _log_entries(request: Request, filters: dict[str, str]) -> list[LoggedRequest]:
    return admin(request).requests.newest_first(
        path=filters["path"], client_key=filters["client_key"], outcome=filters["outcome"]
    )


@page
async def requests_page(request: Request) -> Response:
    filters = _log_filters(request)
    context = {"entries": _log_entries(request, filters), "filters": filters}
    return render_page(request, "portal/requests.html", context)


@page
async def request_page(request: Request) -> Response:
    """One record of the request log: what was received and why it was answered so."""
    log_id = request.path_params["log_id"]
    entry = admin(request).requests.find(log_id)
    context = {"entry": entry, "log_id": log_id}
    return render_page(request, "portal/request.html", context, status=200 if entry else 404)


@page
async def requests_json(request: Request) -> Response:
    entries = _log_entries(request, _log_filters(request))
    return JSONResponse([asdict(e) for e in entries], headers={"Cache-Control": "no-store"})


# ---- webhook deliveries -------------------------------------------------------------------------


@page
async def webhooks_page(request: Request) -> Response:
    context = {"deliveries": await admin_store(request).list_deliveries()}
    return render_page(request, "portal/webhooks.html", context)


# ---- controls -----------------------------------------------------------------------------------


async def _controls_page(request: Request, errors: list[str] | None = None) -> Response:
    svc = service(request)
    context = {
        "faults": admin(request).faults.list(),
        "now": svc.clock.now(),
        "offset": svc.clock.offset,
        "errors": errors or [],
    }
    return render_page(request, "portal/controls.html", context)


@page
async def controls_page(request: Request) -> Response:
    return await _controls_page(request)


def _optional_int(form: FormData, name: str, default: int | None) -> int | str | None:
    raw = field(form, name)
    if not raw:
        return default
    return int(raw) if raw.isdigit() else raw


@page
async def add_fault(request: Request, form: FormData) -> Response:
    try:
        fault = fault_from_fields(
            field(form, "endpoint"),
            _optional_int(form, "count", 1),
            field(form, "error") or None,
            _optional_int(form, "status", None),
            _optional_int(form, "latency_ms", 0),
        )
    except ValueError as exc:
        return await _controls_page(request, [str(exc).capitalize() + "."])
    admin(request).faults.add(fault)
    return redirect("/portal/controls", request, f"Fault armed on {fault.endpoint}.")


@page
async def clear_faults(request: Request, form: FormData) -> Response:
    admin(request).faults.clear()
    return redirect("/portal/controls", request, "Faults cleared.")


@page
async def advance_clock(request: Request, form: FormData) -> Response:
    raw = field(form, "seconds")
    if not raw.isdigit() or int(raw) == 0:
        return await _controls_page(request, ["Seconds: a whole number above 0."])
    await service(request).advance_clock(int(raw))
    return redirect("/portal/controls", request, f"Clock advanced by {int(raw)} s.")


@page
async def reset(request: Request, form: FormData) -> Response:
    await reset_emulator(request)
    return redirect("/portal/controls", request, "Everything was deleted.")


routes = [
    Route("/portal/grants", grants_page, methods=["GET"]),
    Route("/portal/grants/{grant_id}/revoke", revoke_grant, methods=["POST"]),
    Route("/portal/requests", requests_page, methods=["GET"]),
    Route("/portal/requests.json", requests_json, methods=["GET"]),
    Route("/portal/requests/{log_id}", request_page, methods=["GET"]),
    Route("/portal/webhooks", webhooks_page, methods=["GET"]),
    Route("/portal/controls", controls_page, methods=["GET"]),
    Route("/portal/controls/faults", add_fault, methods=["POST"]),
    Route("/portal/controls/faults/clear", clear_faults, methods=["POST"]),
    Route("/portal/controls/clock", advance_clock, methods=["POST"]),
    Route("/portal/controls/reset", reset, methods=["POST"]),
]
