"""The REST adapter: one POST route per exposed operation, forwarded to the upstream as a form."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loginkit.gateway.capability import Capability, RestAdapter, RestOperation
from loginkit.gateway.openapi import rest_openapi
from loginkit.gateway.upstream import Upstream, UpstreamError

NO_STORE = {"Cache-Control": "no-store"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyError(ValueError):
    """The caller's body is neither a flat JSON object nor a form."""


def build_rest_app(
    capability: Capability,
    adapter: RestAdapter,
    upstream: Upstream,
    *,
    optional_fields: frozenset[str] = frozenset(),
) -> Starlette:
    document = rest_openapi(capability, adapter, optional_fields=optional_fields)

    async def openapi(_: Request) -> Response:
        return JSONResponse(document)

    routes = [Route("/openapi.json", openapi, methods=["GET"])]
    routes += [
        Route(operation.path, _endpoint(operation, upstream), methods=[operation.method])
        for operation in adapter.operations
    ]
    return Starlette(routes=routes)


def _endpoint(
    operation: RestOperation, upstream: Upstream
) -> Callable[[Request], Awaitable[Response]]:
    async def forward(request: Request) -> Response:
        try:
            form = await read_body(request)
        except BodyError as exc:
            return JSONResponse(
                {"error": "invalid_request", "error_description": str(exc)},
                status_code=400,
                headers=NO_STORE,
            )
        try:
            reply = await upstream.call(operation.operation, form)
        except UpstreamError as exc:
            return JSONResponse(exc.to_body(), status_code=exc.status, headers=NO_STORE)
        body = operation.output.extract(reply.body) if reply.ok else reply.body
        return JSONResponse(body, status_code=reply.status, headers=NO_STORE)

    forward.__name__ = operation.name or operation.operation.name
    return forward


async def read_body(request: Request) -> dict[str, str]:
    """The body as flat string fields: a JSON object (as the capability says) or a form."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in FORM_TYPES:
        form = await request.form()
        return {name: value for name, value in form.items() if isinstance(value, str)}
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            data: Any = json.loads(await request.body())
        except ValueError as exc:
            raise BodyError(f"the body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise BodyError("the JSON body must be an object of fields")
        return {name: _field_text(name, value) for name, value in data.items()}
    raise BodyError(
        f"unsupported Content-Type {media_type or '(none)'!r}: send application/json "
        "or application/x-www-form-urlencoded"
    )


def _field_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise BodyError(f"field {name!r} must be a string, number or boolean")
