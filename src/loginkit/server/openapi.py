"""``/openapi.json``: what this server serves, from the OpenAPI documents loginkit ships.

The TikTok-facing operations come verbatim from ``specs/openapi/*.yml`` (the same documents the
Arazzo workflow runs on), re-pointed at this server; the control API is described here.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode
from starlette.requests import Request
from starlette.responses import Response

from loginkit.server.context import settings
from loginkit.server.responses import JSONResponse
from loginkit.server.routes import control, control_extra
from loginkit.server.routes.control_contract import OPERATIONS, Operation, describe
from loginkit.server.routes.control_models import (
    AppView,
    LoggedRequestView,
    MigrationQuery,
    MigrationView,
    ReadinessView,
    Redirect,
    RedirectDomains,
    V1AuthorizeBody,
)
from loginkit.specs import specs_dir

__all__ = ["control_paths", "openapi_document", "openapi_json"]

SOURCES = ("tiktok-login-kit-openapi.yml", "tiktok-display-openapi.yml")
_REF = "#/components/schemas/{model}"
_DECLARING = (control, control_extra)
"""The modules whose ``@operation`` declarations fill ``OPERATIONS`` as they are imported."""

_CONTROL_ERROR = {"$ref": "#/components/schemas/ControlError"}
_ERRORS = {
    400: "Invalid request: the description names each refused field",
    401: "Admin token missing or wrong",
    404: "No such app or user",
    409: "Already taken",
}


def _describe_plain_routes() -> None:
    """Routes declared without ``@operation`` (``routes/v1.py``, ``routes/explain.py``): their
    contract is published here."""
    for op in (
        Operation(
            "POST",
            "/emulator/v1/authorize",
            "Approve or deny as a user, on v1 OAuth",
            body=V1AuthorizeBody,
            returns=Redirect,
            errors=(400, 401, 404),
        ),
        Operation(
            "PUT",
            "/emulator/apps/{client_key}/redirect-domains",
            "Set an app's v1 redirect domains",
            body=RedirectDomains,
            returns=AppView,
            errors=(400, 401, 404),
        ),
        Operation(
            "GET",
            "/emulator/requests/{log_id}",
            "Why a request was answered as it was (from this process's request log)",
            returns=LoggedRequestView,
            errors=(401, 404),
        ),
        Operation(
            "GET",
            "/emulator/apps/{client_key}/readiness",
            "Whether an app's traffic and registration are ready for TikTok",
            query=MigrationQuery,
            returns=ReadinessView,
            errors=(400, 401, 404),
        ),
        Operation(
            "GET",
            "/emulator/apps/{client_key}/migration",
            "What an app still has to do to move from v1 to v2 OAuth",
            query=MigrationQuery,
            returns=MigrationView,
            errors=(400, 401, 404),
        ),
    ):
        describe(op)


def _schema(model: Any, mode: JsonSchemaMode, schemas: dict[str, Any]) -> dict[str, Any]:
    """``model``'s JSON schema, its named parts moved into ``components/schemas``."""
    schema = TypeAdapter(model).json_schema(ref_template=_REF, mode=mode)
    schemas.update(schema.pop("$defs", {}))
    name = getattr(model, "__name__", None)
    if name and "properties" in schema:  # a model: referenced by name
        schemas[name] = schema
        return {"$ref": _REF.format(model=name)}
    return schema


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = TypeAdapter(model).json_schema(mode="validation")
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _control_operation(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK" if op.status != 201 else "Created"}
    if op.returns is not None:
        ok["content"] = {
            "application/json": {"schema": _schema(op.returns, "serialization", schemas)}
        }
    else:
        ok["description"] = "Done; no body"
    responses: dict[str, Any] = {str(op.status): ok}
    for status in op.errors:
        responses[str(status)] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": _CONTROL_ERROR}},
        }
    described: dict[str, Any] = {
        "tags": ["Emulator control"],
        "summary": op.summary,
        "operationId": _operation_id(op),
        "security": [{"adminToken": []}],
        "responses": responses,
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query, schemas)
    if parameters:
        described["parameters"] = parameters
    if op.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(op.body, "validation", schemas)}},
        }
    return described


def _operation_id(op: Operation) -> str:
    words = re.findall(r"[a-z0-9]+", op.path.removeprefix("/emulator").lower())
    return "control_" + op.method.lower() + "_" + "_".join(words)


def control_paths(schemas: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every control API operation, as OpenAPI path items; their schemas go into ``schemas``."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _control_operation(op, schemas)
    return paths


def _merge_components(target: dict[str, Any], source: dict[str, Any], origin: str) -> None:
    for section, entries in source.items():
        merged = target.setdefault(section, {})
        for name, value in entries.items():
            if name in merged and merged[name] != value:
                raise ValueError(f"{origin}: component {section}/{name} differs between documents")
            merged[name] = value


@cache
def openapi_document(base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "loginkit TikTok Login Kit emulator",
            "version": "v2",
            "description": "TikTok Login Kit v2, Display API user info and the control API.",
        },
        "servers": [{"url": base_url}],
        "paths": {},
        "components": {
            "schemas": {
                "ControlError": {
                    "type": "object",
                    "required": ["error", "error_description", "log_id"],
                    "properties": {
                        k: {"type": "string"} for k in ("error", "error_description", "log_id")
                    },
                }
            },
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }
    for name in SOURCES:
        source = yaml.safe_load((specs_dir() / "openapi" / name).read_text(encoding="utf-8"))
        for path, item in source["paths"].items():
            item = {k: v for k, v in item.items() if k != "servers"}  # all of it is served here
            document["paths"][path] = item
        _merge_components(document["components"], source.get("components", {}), name)
        document.setdefault("tags", []).extend(
            t for t in source.get("tags", []) if t not in document.get("tags", [])
        )
    document["paths"].update(control_paths(document["components"]["schemas"]))
    return document


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document(settings(request).base_url))


_describe_plain_routes()
